-- 011: after the fair: the processing queue (automatic review, priorities, routing to a
-- warehouse), review, shipping, tracking, and the printable confirmation.
--
-- Status path: accepted -> reviewed -> shipped -> in_transit -> delivered; rejected and
-- cancelled end it. Every change is one transaction that locks the order row, checks the
-- step is legal (conflict otherwise), keeps it in order_history with time and actor,
-- writes the audit log and tells the dealer (order.status).
--
-- (Its functions, views and triggers are now defined once each in sql/functions/: see
-- README.md there.)

ALTER TABLE orders ADD COLUMN auto_reviewed_at timestamptz;
