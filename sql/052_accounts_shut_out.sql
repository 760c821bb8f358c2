-- 052: the accounts page shows until when failed logins shut an account out. admin_users_list
-- (made earlier the same day, sql/functions/accounts/admin.sql) takes the server's
-- login_max_failures and login_window_s: the function gains two parameters, so its first
-- form goes.

DROP FUNCTION IF EXISTS admin_users_list(text, text, bigint, integer, integer);
