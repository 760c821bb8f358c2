// hls.js's light build ships without its own declarations: it is the same Hls class.
declare module 'hls.js/light' {
  import Hls from 'hls.js';
  export default Hls;
}
