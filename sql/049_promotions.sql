-- 049: promotions (message.promote, sql/functions/messages/promote.sql). A user may send 20 an
-- hour, counted from its audit rows; this index finds them without reading the whole log.
CREATE INDEX audit_log_promote ON audit_log (actor, at) WHERE action = 'message.promote';
