/* fair_room.c - the room's start and stop (see fair_room.h): each part
 * subscribes to what it follows. */
#include "live/fair_room.h"

#include "base/log.h"
#include "live/room.h"
#include "live/room_events.h"
#include "live/room_join.h"
#include "live/room_state.h"
#include "live/room_stock.h"

void room_start(void)
{
	if (room_events_start() || room_stock_start())
		LOG(LOG_ERROR, "cannot subscribe to fair events");
	room_state_start();
}

void room_stop(void)
{
	/* the pool is gone: no read is in flight */
	room_join_stop();
	room_free_all();
}
