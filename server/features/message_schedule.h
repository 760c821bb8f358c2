/* message_schedule.h - the durable scheduler of messages: every
 * messages_tick_s, one call of messages_tick() (sql/functions/messages/
 * schedule.sql), which sends the fairs' reminders (a day and an hour before
 * they open) and their totals to the webhooks at their close. What it did
 * is recorded in PostgreSQL in the same transaction, so each is done once
 * whatever the number of processes, and one missed while every server was
 * down is done at the next tick. Loop thread only. */
#ifndef FAIR_MESSAGE_SCHEDULE_H
#define FAIR_MESSAGE_SCHEDULE_H

/* Starts ticking (the first tick a second after the start). */
void message_schedule_start(void);

/* Stops ticking. */
void message_schedule_stop(void);

#endif
