/* demo_data.c - the demo brand's catalogue, colours, regions, dealers and
 * staff (see demo_data.h). */
#include "fairctl/demo_data.h"

#include <stdio.h>
#include <string.h>

#define S4 "S|M|L|XL"
#define PACK4 "S:1|M:2|L:2|XL:1"

const struct demo_product demo_products[] = {
	/* 外套 */
	{"QH27S-1001", SHAPE_COAT, F_LONG | F_BELT | F_DOUBLE | F_LAPELS,
	 "外套", "雙排扣風衣外套", "Double-Breasted Trench Coat",
	 "經典雙排扣設計，防潑水棉質斜紋布，附可拆卸腰帶，春秋通勤首選。",
	 "A classic double-breasted trench in water-repellent cotton "
	 "gabardine with a detachable belt: the commuter's spring and autumn "
	 "staple.",
	 1299, 1099, S4, "駝色|黑色|卡其", 3000, NULL, 0, 0, false, true,
	 false},
	{"QH27S-1002", SHAPE_COAT, F_LONG | F_LAPELS, "外套",
	 "羊毛混紡長款大衣外套", "Wool-Blend Long Overcoat",
	 "七成羊毛混紡面料，落肩廓形，暗扣門襟，保暖又有型。",
	 "A 70% wool blend with dropped shoulders and a concealed placket: "
	 "warm, clean and sharp.",
	 1999, 1699, S4, "駝色|燕麥色|藏青", 2500, NULL, 0, 0, false, true,
	 true},
	{"QH27S-1003", SHAPE_JACKET, F_DENIM | F_COLLAR, "外套",
	 "水洗牛仔夾克外套", "Washed Denim Jacket",
	 "12安士純棉牛仔布，復古水洗，金屬鈕扣與雙胸袋。",
	 "12 oz cotton denim with a vintage wash, metal buttons and twin "
	 "chest pockets.",
	 599, 499, S4, "牛仔藍|淺藍|黑色", 3000, NULL, 0, 0, false, false,
	 false},
	{"QH27S-1004", SHAPE_PUFFER, F_QUILT, "外套", "輕薄羽絨外套",
	 "Lightweight Down Jacket",
	 "90%白鴨絨填充，輕盈可收納，防風面料，附收納袋。",
	 "Filled with 90% white duck down: packable, with a windproof shell "
	 "and a stuff sack.",
	 899, 759, "S|M|L|XL|XXL", "黑色|藏青|軍綠|酒紅", 3000, NULL, 0, 0,
	 false, true, true},
	{"QH27S-1005", SHAPE_JACKET, F_LAPELS, "外套", "休閒西裝外套",
	 "Relaxed Blazer",
	 "微彈西裝面料，半裡結構，單排兩粒扣，正裝休閒皆宜。",
	 "Soft-stretch suiting, half-lined, single-breasted with two buttons; "
	 "dresses up or down.",
	 999, 849, S4, "黑色|灰色|米色", 2500, NULL, 0, 0, false, false,
	 false},
	{"QH27S-1006", SHAPE_PUFFER, F_QUILT | F_HOOD | F_LONG, "外套",
	 "連帽長款羽絨外套", "Hooded Long Down Coat",
	 "過膝長度，可拆連帽，防潑水面料，北方冬季必備。",
	 "Knee-length, with a detachable hood and a water-repellent shell: "
	 "built for northern winters.",
	 1699, 1499, S4, "黑色|奶白|駝色", 2000, NULL, 0, 0, false, false,
	 true},
	{"QH27S-1007", SHAPE_JACKET, F_COLLAR | F_CROPPED, "外套",
	 "防風教練夾克外套", "Windproof Coach Jacket",
	 "尼龍防風面料，按扣門襟，下擺抽繩可調。",
	 "A nylon windbreaker with a snap front and an adjustable drawcord "
	 "hem.",
	 459, 389, S4, "黑色|藏青|卡其|橙色", 3000, NULL, 0, 0, false, false,
	 false},
	{"QH27S-1008", SHAPE_COAT, F_LONG | F_LAPELS | F_DOUBLE, "外套",
	 "限量手工雙面呢大衣外套", "Limited Handmade Double-Face Coat",
	 "設計師限量款，雙面羊毛羊絨呢手工縫製，每色僅少量供應，售完即止。",
	 "A designer limited edition in hand-finished double-face wool and "
	 "cashmere; very few per colour, and gone when they are gone.",
	 3999, 3599, "S|M|L", "駝色|黑色", 8, NULL, 0, 2, false, false,
	 false},

	/* 褲 */
	{"QH27S-2001", SHAPE_TROUSERS, F_DENIM, "褲", "經典直筒牛仔褲",
	 "Classic Straight Jeans",
	 "中腰直筒版型，彈力牛仔布，久穿不變形，四季百搭。",
	 "A mid-rise straight leg in stretch denim that keeps its shape, "
	 "all year round.",
	 399, 339, "27|28|29|30|31|32|34", "牛仔藍|淺藍|黑色", 4000, NULL, 3,
	 0, true, true, false},
	{"QH27S-2002", SHAPE_TROUSERS, F_WIDE, "褲", "高腰闊腿西褲",
	 "High-Rise Wide-Leg Trousers",
	 "垂感西裝面料，高腰設計拉長比例，褲腳自然垂墜。",
	 "Fluid suiting with a high waist that lengthens the line and a "
	 "softly falling hem.",
	 459, 389, "XS|S|M|L|XL", "黑色|米色|灰色", 3000, NULL, 0, 0, false,
	 false, false},
	{"QH27S-2003", SHAPE_TROUSERS, 0, "褲", "修身休閒卡其褲",
	 "Slim Chinos",
	 "棉質斜紋布，修身錐形褲腳，商務休閒皆宜。",
	 "Cotton twill with a slim tapered leg, smart enough for the office.",
	 329, 279, "28|30|32|34|36", "卡其|藏青|黑色|米色", 3000, NULL, 0, 0,
	 false, true, true},
	{"QH27S-2004", SHAPE_TROUSERS, F_CUFFED | F_HEATHER, "褲",
	 "束腳運動衛褲", "Cuffed Jogger Pants",
	 "毛圈棉面料，抽繩腰頭，羅紋束腳，舒適百搭。",
	 "Loopback cotton with a drawcord waist and ribbed cuffs.", 259, 219,
	 S4, "麻灰|黑色|藏青", 3000, PACK4, 0, 0, false, false, false},
	{"QH27S-2005", SHAPE_SHORTS, 0, "褲", "亞麻混紡短褲",
	 "Linen-Blend Shorts",
	 "亞麻棉混紡，透氣清爽，鬆緊腰頭，夏日度假必備。",
	 "Breathable linen and cotton with an elastic waist, made for summer "
	 "days off.",
	 229, 189, S4, "米色|白色|軍綠", 3000, NULL, 0, 0, false, false,
	 false},
	{"QH27S-2006", SHAPE_TROUSERS, F_DENIM | F_WIDE, "褲", "寬鬆闊腿牛仔褲",
	 "Wide-Leg Jeans", "高腰寬鬆廓形，復古做舊水洗，長度及地。",
	 "High-rise, relaxed and floor-length, in a vintage worn wash.", 429,
	 369, "25|26|27|28|29|30", "淺藍|牛仔藍", 3000, NULL, 0, 0, false,
	 false, false},
	{"QH27S-2007", SHAPE_SHORTS, F_DENIM, "褲", "毛邊牛仔短褲",
	 "Frayed Denim Shorts", "毛邊褲腳，微彈牛仔布，夏季熱賣款。",
	 "Frayed hems in soft-stretch denim: a summer best-seller.", 199, 169,
	 "25|26|27|28|29", "淺藍|白色", 3000, NULL, 0, 0, false, false,
	 false},

	/* 連衣裙 */
	{"QH27S-3001", SHAPE_DRESS, F_FLORAL | F_VNECK | F_SHORT_SLEEVE,
	 "連衣裙", "碎花雪紡連衣裙", "Floral Chiffon Midi Dress",
	 "輕盈雪紡印花，V領收腰，裙擺飄逸，約會出遊首選。",
	 "Light printed chiffon with a V neck, a nipped waist and a floating "
	 "hem.",
	 499, 429, "XS|S|M|L", "藕粉|霧藍", 3000, NULL, 0, 0, false, true,
	 false},
	{"QH27S-3002", SHAPE_DRESS, F_COLLAR | F_BELT | F_SHORT_SLEEVE,
	 "連衣裙", "棉質襯衫連衣裙", "Cotton Shirt Dress",
	 "府綢棉襯衫領設計，附同色腰帶，通勤休閒兩相宜。",
	 "Cotton poplin with a shirt collar and a self belt, easy from desk "
	 "to weekend.",
	 459, 389, S4, "白色|天藍|卡其", 3000, NULL, 0, 0, false, false,
	 false},
	{"QH27S-3003", SHAPE_DRESS, F_LONG_SLEEVE | F_HIGH_NECK, "連衣裙",
	 "羅紋針織修身連衣裙", "Fitted Rib-Knit Dress",
	 "羅紋針織，修身顯瘦，彈性好，秋冬可內搭大衣。",
	 "A rib knit that fits close and stretches well; layers under coats "
	 "in winter.",
	 399, 339, "XS|S|M|L", "黑色|駝色|酒紅", 3000, NULL, 0, 0, false,
	 false, true},
	{"QH27S-3004", SHAPE_DRESS, F_SQUARE_NECK | F_LONG_SLEEVE, "連衣裙",
	 "法式方領長袖連衣裙", "French Square-Neck Dress",
	 "方領泡泡袖，高腰A字裙擺，浪漫法式風格。",
	 "A square neck, puff sleeves and a high-waisted A-line skirt: "
	 "romantically French.",
	 599, 509, "XS|S|M|L", "米色|黑色|霧藍", 3000, NULL, 0, 0, false,
	 true, false},
	{"QH27S-3005", SHAPE_DRESS, F_STRAPS | F_SATIN | F_LONG, "連衣裙",
	 "緞面吊帶連衣裙", "Satin Slip Dress",
	 "光澤緞面，可調節肩帶，斜裁垂墜，可單穿可疊搭。限量供應。",
	 "Lustrous satin with adjustable straps and a bias cut; wear it alone "
	 "or layered. Limited quantities.",
	 459, 399, "XS|S|M|L", "香芋紫|黑色|奶白", 15, NULL, 0, 3, false,
	 false, false},
	{"QH27S-3006", SHAPE_DRESS, F_STRIPES | F_SLEEVELESS, "連衣裙",
	 "條紋亞麻連衣裙", "Striped Linen Sundress",
	 "亞麻混紡條紋布，無袖寬鬆版型，清爽透氣。",
	 "Striped linen blend, sleeveless and easy-fitting, cool on hot "
	 "days.",
	 429, 369, "XS|S|M|L", "藏青|紅色", 3000, NULL, 0, 0, false, false,
	 false},
	{"QH27S-3007", SHAPE_DRESS, F_DOTS | F_VNECK | F_SHORT_SLEEVE,
	 "連衣裙", "波點茶歇連衣裙", "Polka-Dot Tea Dress",
	 "經典波點印花，V領茶歇裙設計，收腰顯瘦。",
	 "A classic polka-dot print in a V-neck tea-dress cut with a defined "
	 "waist.",
	 529, 449, "XS|S|M|L", "黑色|藏青", 3000, NULL, 0, 0, false, false,
	 false},

	/* T恤 */
	{"QH27S-4001", SHAPE_TSHIRT, 0, "T恤", "純棉圓領T恤",
	 "Essential Cotton Crew Tee",
	 "精梳棉平紋布，圓領基本款，百搭不退流行。",
	 "Combed cotton jersey in the crew-neck basic that never dates.", 129,
	 99, S4, "白色|黑色|灰色|藏青", 6000, PACK4, 0, 0, true, true, false},
	{"QH27S-4002", SHAPE_TSHIRT, F_STRIPES | F_LONG_SLEEVE, "T恤",
	 "海軍條紋長袖T恤", "Breton Stripe Tee",
	 "經典法式海軍條紋，厚實棉質，船領設計。",
	 "The classic Breton stripe in heavy cotton with a boat neck.", 169,
	 139, S4, "白色|藏青|紅色", 4000, NULL, 0, 0, false, false, false},
	{"QH27S-4003", SHAPE_POLO, 0, "T恤", "珠地棉短袖Polo T恤",
	 "Piqué Polo Shirt",
	 "珠地網眼棉透氣排汗，羅紋翻領，三粒扣門襟。",
	 "Breathable cotton piqué with a ribbed collar and a three-button "
	 "placket.",
	 199, 169, S4, "白色|藏青|墨綠|粉色", 4000, NULL, 0, 0, false, true,
	 false},
	{"QH27S-4004", SHAPE_TSHIRT, F_GRAPHIC, "T恤", "寬鬆落肩印花T恤",
	 "Oversized Graphic Tee",
	 "落肩寬鬆版型，胸前品牌印花，重磅純棉。",
	 "A dropped-shoulder oversized fit with the brand print on the chest, "
	 "in heavyweight cotton.",
	 159, 129, S4, "白色|黑色|燕麥色", 4000, PACK4, 0, 0, false, false,
	 false},
	{"QH27S-4005", SHAPE_TSHIRT, F_LONG_SLEEVE, "T恤", "長袖打底T恤",
	 "Long-Sleeve Base Tee",
	 "彈力棉質，修身打底，單穿疊穿都好看。",
	 "Stretch cotton, close-fitting, as good alone as under layers.", 139,
	 109, S4, "白色|黑色|灰色|酒紅", 4000, NULL, 2, 0, false, false,
	 false},
	{"QH27S-4006", SHAPE_TSHIRT, F_VNECK, "T恤", "莫代爾V領T恤",
	 "Modal V-Neck Tee", "莫代爾混紡，絲滑垂順，V領修飾頸部線條。",
	 "A silky, drapey modal blend with a flattering V neck.", 149, 119,
	 S4, "白色|黑色|粉色|天藍", 4000, NULL, 0, 0, false, false, false},
	{"QH27S-4007", SHAPE_TSHIRT, F_GRAPHIC | F_DOTS, "T恤",
	 "藝術家聯名限定T恤", "Artist Collab Limited Tee",
	 "與插畫藝術家聯名，限量發售，售完即止。",
	 "A limited collaboration with an illustrator: when it is gone, it "
	 "is gone.",
	 299, 259, S4, "白色|黑色", 12, NULL, 0, 2, false, false, false},

	/* 襯衫 */
	{"QH27S-5001", SHAPE_SHIRT, F_COLLAR, "襯衫", "牛津紡長袖襯衫",
	 "Oxford Button-Down Shirt",
	 "經典牛津紡，領尖扣設計，免燙處理。",
	 "Classic oxford cloth with a button-down collar and an easy-care "
	 "finish.",
	 299, 259, "S|M|L|XL|XXL", "白色|天藍|粉色", 4000, NULL, 0, 0, true,
	 true, false},
	{"QH27S-5002", SHAPE_SHIRT, F_COLLAR | F_CHECK, "襯衫", "法蘭絨格紋襯衫",
	 "Flannel Check Shirt", "雙面磨毛法蘭絨，柔軟保暖，經典格紋。",
	 "Brushed flannel, soft and warm, in a classic check.", 329, 279, S4,
	 "紅色|藏青|軍綠", 3000, NULL, 0, 0, false, false, true},
	{"QH27S-5003", SHAPE_SHIRT, F_COLLAR | F_SHORT_SLEEVE, "襯衫",
	 "亞麻古巴領短袖襯衫", "Linen Camp-Collar Shirt",
	 "純亞麻面料，古巴領設計，度假感十足。",
	 "Pure linen with a camp collar: a holiday in a shirt.", 279, 239,
	 S4, "白色|米色|霧藍", 3000, NULL, 0, 0, false, false, false},
	{"QH27S-5004", SHAPE_SHIRT, F_SATIN | F_VNECK, "襯衫", "真絲光澤襯衫",
	 "Silk Blouse",
	 "桑蠶絲面料，光澤柔和，垂感極佳。限量供應。",
	 "Mulberry silk with a soft sheen and a beautiful drape. Limited "
	 "quantities.",
	 699, 599, "XS|S|M|L", "奶白|黑色|香芋紫", 20, NULL, 0, 5, false,
	 false, false},
	{"QH27S-5005", SHAPE_SHIRT, F_COLLAR | F_STRIPES, "襯衫",
	 "條紋府綢襯衫", "Striped Poplin Shirt",
	 "細條紋府綢，挺括有型，職場必備。",
	 "Fine-striped poplin, crisp and sharp, an office essential.", 279,
	 239, S4, "天藍|白色", 3000, NULL, 0, 0, false, false, false},
	{"QH27S-5006", SHAPE_SHIRT, F_COLLAR | F_DENIM, "襯衫", "丹寧牛仔襯衫",
	 "Chambray Denim Shirt", "輕薄丹寧布，雙胸袋設計，可當外套疊穿。",
	 "Light chambray with two chest pockets; layers like an overshirt.",
	 329, 279, S4, "淺藍|牛仔藍", 3000, NULL, 0, 0, false, false, false},

	/* 針織衫 */
	{"QH27S-6001", SHAPE_SWEATER, 0, "針織衫", "美麗諾羊毛圓領針織衫",
	 "Merino Crew-Neck Sweater",
	 "100%美麗諾羊毛，細膩親膚，可機洗。",
	 "100% merino wool, soft against the skin and machine-washable.", 599,
	 499, S4, "灰色|藏青|駝色|酒紅", 3000, NULL, 0, 0, true, true, true},
	{"QH27S-6002", SHAPE_CARDIGAN, F_VNECK, "針織衫", "V領針織開衫",
	 "V-Neck Cardigan", "棉羊毛混紡，V領開襟，五粒貝殼扣。",
	 "A cotton and wool blend, V-neck and open, with five shell buttons.",
	 459, 389, S4, "米色|黑色|墨綠", 3000, NULL, 0, 0, false, false,
	 false},
	{"QH27S-6003", SHAPE_SWEATER, F_CABLE, "針織衫", "麻花粗針毛衣針織衫",
	 "Cable-Knit Sweater", "粗針麻花織法，厚實保暖，復古漁夫風。",
	 "A chunky cable knit, thick and warm, in the old fisherman's style.",
	 699, 599, S4, "奶白|燕麥色|藏青", 3000, NULL, 0, 0, false, false,
	 true},
	{"QH27S-6004", SHAPE_SWEATER, F_HIGH_NECK, "針織衫", "高領羊絨針織衫",
	 "Cashmere Turtleneck",
	 "100%山羊絨，輕盈保暖，高領設計，冬季衣櫥必備。",
	 "100% cashmere, light and warm, with a turtleneck: a winter wardrobe "
	 "must.",
	 1299, 1099, S4, "黑色|駝色|灰色", 2000, NULL, 0, 0, false, true,
	 true},
	{"QH27S-6005", SHAPE_VEST, F_ARGYLE | F_VNECK, "針織衫",
	 "菱格針織背心", "Argyle Knit Vest",
	 "經典菱格紋，V領無袖，疊穿襯衫學院風。",
	 "A classic argyle, V-neck and sleeveless; layer it over a shirt.",
	 329, 279, S4, "米色|藏青", 3000, NULL, 0, 0, false, false, false},
	{"QH27S-6006", SHAPE_SWEATER, F_SHORT_SLEEVE, "針織衫",
	 "冰絲短袖針織衫", "Cool-Touch Knit Tee",
	 "冰絲涼感紗線，短袖針織，夏季清涼不悶熱。",
	 "Cool-touch yarn in a short-sleeved knit that stays fresh in summer.",
	 229, 189, S4, "白色|黑色|薄荷綠", 4000, PACK4, 0, 0, false, false,
	 false},
	{"QH27S-6007", SHAPE_CARDIGAN, F_CROPPED | F_FUZZY, "針織衫",
	 "短款馬海毛開衫針織衫", "Cropped Mohair Cardigan",
	 "馬海毛混紡，蓬鬆柔軟，短款設計搭配高腰褲裙。",
	 "A fluffy, soft mohair blend, cropped to pair with high-waisted "
	 "trousers and skirts.",
	 559, 479, "XS|S|M|L", "粉色|奶白|香芋紫", 3000, NULL, 0, 0, false,
	 false, true},

	/* 配件 */
	{"QH27S-7001", SHAPE_SCARF, F_CHECK, "配件", "羊絨格紋圍巾",
	 "Cashmere Check Scarf", "羊絨混紡，經典格紋，流蘇收邊。",
	 "A cashmere blend in a classic check, finished with fringes.", 599,
	 499, "均碼", "駝色|灰色|紅色", 3000, NULL, 0, 0, false, true, true},
	{"QH27S-7002", SHAPE_CAP, 0, "配件", "刺繡棒球帽",
	 "Embroidered Baseball Cap", "純棉斜紋，正面品牌刺繡，後扣可調節。",
	 "Cotton twill with the brand embroidered on the front and an "
	 "adjustable back strap.",
	 149, 119, "均碼", "黑色|白色|藏青|卡其", 4000, NULL, 2, 0, false,
	 false, false},
	{"QH27S-7003", SHAPE_BUCKET_HAT, 0, "配件", "純棉漁夫帽",
	 "Cotton Bucket Hat", "水洗棉布，可折疊收納，防曬遮陽。",
	 "Washed cotton that folds flat and keeps the sun off.", 129, 99,
	 "均碼", "米色|黑色|軍綠", 4000, NULL, 2, 0, false, false, false},
	{"QH27S-7004", SHAPE_TOTE, 0, "配件", "帆布托特包", "Canvas Tote Bag",
	 "加厚帆布，大容量，內有拉鍊袋，可放A4文件。",
	 "Heavy canvas with room for A4 files and a zipped inner pocket.",
	 199, 159, "均碼", "米色|黑色", 3000, NULL, 2, 0, false, false,
	 false},
	{"QH27S-7005", SHAPE_BELT, 0, "配件", "頭層牛皮腰帶",
	 "Full-Grain Leather Belt", "頭層牛皮，合金針扣，經典百搭。",
	 "Full-grain leather with an alloy pin buckle: a classic that goes "
	 "with everything.",
	 299, 249, "95|105|115", "黑色|咖啡", 3000, NULL, 0, 0, false, false,
	 false},
	{"QH27S-7006", SHAPE_SCARF, F_LONG, "配件", "羅紋針織圍巾",
	 "Rib-Knit Scarf", "柔軟羅紋針織，加長款，可多種繫法。",
	 "A soft rib knit, extra long, to wear in many ways.", 199, 169,
	 "均碼", "灰色|酒紅|芥末黃", 3000, NULL, 0, 0, false, false, true},
};

const size_t demo_product_count =
	sizeof demo_products / sizeof demo_products[0];

static const struct demo_color colors[] = {
	{"黑色", "Black", 38, 38, 42},
	{"白色", "White", 246, 246, 242},
	{"藏青", "Navy", 34, 46, 82},
	{"灰色", "Grey", 140, 142, 147},
	{"麻灰", "Heather Grey", 170, 170, 166},
	{"米色", "Beige", 226, 212, 184},
	{"卡其", "Khaki", 188, 166, 118},
	{"駝色", "Camel", 192, 146, 96},
	{"燕麥色", "Oatmeal", 216, 202, 174},
	{"酒紅", "Burgundy", 118, 30, 48},
	{"紅色", "Red", 198, 44, 50},
	{"粉色", "Pink", 238, 172, 186},
	{"藕粉", "Dusty Pink", 214, 160, 164},
	{"天藍", "Sky Blue", 140, 186, 226},
	{"淺藍", "Light Blue", 146, 178, 212},
	{"牛仔藍", "Denim Blue", 56, 86, 138},
	{"霧藍", "Dusty Blue", 126, 148, 176},
	{"軍綠", "Olive", 90, 98, 62},
	{"墨綠", "Forest Green", 32, 74, 56},
	{"薄荷綠", "Mint", 166, 218, 194},
	{"芥末黃", "Mustard", 210, 168, 50},
	{"咖啡", "Coffee", 100, 66, 46},
	{"奶白", "Cream", 244, 236, 216},
	{"香芋紫", "Lavender", 178, 160, 204},
	{"橙色", "Orange", 232, 118, 46},
};

const struct demo_color *demo_color(const char *name)
{
	static const struct demo_color unknown = {"?", "Colour", 150, 150,
						  150};

	for (size_t i = 0; i < sizeof colors / sizeof colors[0]; i++)
		if (!strcmp(colors[i].name, name))
			return &colors[i];
	return &unknown;
}

const char *demo_category_en(const char *category)
{
	static const char *const names[][2] = {
		{"外套", "OUTERWEAR"}, {"褲", "TROUSERS"},
		{"連衣裙", "DRESSES"}, {"T恤", "T-SHIRTS"},
		{"襯衫", "SHIRTS"},    {"針織衫", "KNITWEAR"},
		{"配件", "ACCESSORIES"},
	};

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (!strcmp(names[i][0], category))
			return names[i][1];
	return "COLLECTION";
}

const char *const demo_regions[DEMO_REGIONS] = {
	"華東", "華南", "華北", "華中", "西南", "西北", "東北",
};

const char *const demo_region_warehouses[DEMO_REGIONS] = {
	"上海倉", "廣州倉", "北京倉", "武漢倉", "成都倉", "西安倉", "瀋陽倉",
};

/* Cities of each region, in the order of demo_regions. */
static const char *const cities[DEMO_REGIONS][10] = {
	{"上海", "杭州", "南京", "蘇州", "寧波", "合肥", "福州", "廈門", "濟南",
	 "青島"},
	{"廣州", "深圳", "東莞", "佛山", "珠海", "南寧", "海口", "汕頭", "中山",
	 "桂林"},
	{"北京", "天津", "石家莊", "太原", "呼和浩特", "唐山", "保定", "廊坊",
	 "大同", "包頭"},
	{"武漢", "長沙", "鄭州", "宜昌", "襄陽", "株洲", "洛陽", "岳陽", "開封",
	 "常德"},
	{"成都", "重慶", "昆明", "貴陽", "綿陽", "遵義", "大理", "宜賓", "麗江",
	 "南充"},
	{"西安", "蘭州", "烏魯木齊", "銀川", "西寧", "寶雞", "咸陽", "天水",
	 "延安", "榆林"},
	{"瀋陽", "大連", "長春", "哈爾濱", "吉林", "鞍山", "撫順", "齊齊哈爾",
	 "丹東", "營口"},
};

static const char *const malls[] = {
	"萬達廣場", "步行街", "新天地", "銀泰城", "大悅城", "萬象城",
	"中山路",   "解放路", "人民路", "太古里", "吾悅廣場", "百貨大樓",
};

static const char *const shop_words[] = {
	"衣品軒", "錦衣坊", "雅致",     "麗人",   "時尚坊", "潮流前線",
	"美衣閣", "衣戀",   "悅己",     "尚品",   "花樣年華", "織夢",
	"素衣",   "簡約主義", "衣見傾心", "紅袖",   "尚衣坊", "青衫",
	"雲裳",   "金縷",   "衣格",     "優衫",   "摩登",   "木棉",
};

static const char *const surnames[] = {
	"王", "李", "張", "劉", "陳", "楊", "黃", "趙", "吳", "周",
	"徐", "孫", "馬", "朱", "胡", "郭", "何", "高", "林", "羅",
};

static const char *const roads[] = {
	"中山路", "人民路", "解放路", "建設路", "和平路", "新華路",
	"文化路", "長江路", "黃河路", "勝利路", "青年路", "光明街",
};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

void demo_dealer(int i, struct demo_dealer *d)
{
	int r = (i - 1) % DEMO_REGIONS;
	int k = (i - 1) / DEMO_REGIONS; /* 0 ... 71 within the region */
	const char *city = cities[r][k % 10];
	const char *word = shop_words[(size_t)(k * 5 + r * 3) % N_OF(shop_words)];
	const char *mall = malls[(size_t)(k + r) % N_OF(malls)];

	memset(d, 0, sizeof *d);
	snprintf(d->code, sizeof d->code, "D%03d", i);
	switch (k % 4) {
	case 0:
		snprintf(d->name, sizeof d->name, "%s%s青禾專賣店", city, mall);
		break;
	case 1:
		snprintf(d->name, sizeof d->name, "%s%s服飾", city, word);
		break;
	case 2:
		snprintf(d->name, sizeof d->name, "%s%s%s時裝店", city, mall,
			 word);
		break;
	default:
		snprintf(d->name, sizeof d->name, "%s%s服飾有限公司", city,
			 word);
		break;
	}
	d->region = demo_regions[r];
	d->tier = "CAB"[i % 3]; /* D001 A, D002 B, D003 C, ... */
	d->credit = i <= DEMO_GENEROUS_CREDIT_DEALERS
			    ? DEMO_GENEROUS_CREDIT
			    : 100000000LL * (1 + i % 5); /* ¥1M to ¥5M */
	d->key_dealer = i % 20 == 1;
	snprintf(d->recipient, sizeof d->recipient, "%s%s",
		 surnames[(size_t)i % N_OF(surnames)],
		 i % 2 ? "經理" : "店長");
	snprintf(d->phone, sizeof d->phone, "13%d%08d", 5 + i % 5,
		 (i * 7919) % 100000000);
	snprintf(d->address, sizeof d->address, "%s市%s%d號%s", city,
		 roads[(size_t)(i * 7) % N_OF(roads)], 1 + (i * 37) % 300,
		 k % 4 == 0 || k % 4 == 2 ? mall : "");
}

const struct demo_staff demo_staff[] = {
	{"rep1", "陳志明", "rep"},
	{"rep2", "林雅婷", "rep"},
	{"rep3", "張偉", "rep"},
	{"rep4", "黃淑芬", "rep"},
	{"rep5", "李俊傑", "rep"},
	{"manager1", "周慧敏", "manager"},
	{"manager2", "吳建國", "manager"},
	{"admin", "系統管理員", "admin"},
};

const size_t demo_staff_count = sizeof demo_staff / sizeof demo_staff[0];
