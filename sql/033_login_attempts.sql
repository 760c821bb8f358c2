-- 033: a login reserves its attempt before its password is hashed (issue 27, item 2).
--
-- 002 checked the failure counts, hashed, and only then counted a failure: 40 parallel wrong
-- passwords all passed the check (40 x 401 against a limit of 10), and 60 parallel unknown
-- logins from one address filled the hashing queue ahead of everyone else. Now
-- login_begin, one transaction under the counters' row locks, counts failures and attempts
-- in progress together: an attempt goes ahead only while both fit under the limits, and at
-- most p_max_pending attempts of one address are in progress at once. One that does not fit
-- waits (the server asks again) while it could still fit, and is refused once the failures
-- alone reach a limit. A failure turns its attempt into a counted failure in one
-- transaction (login_attempt_failed) before the 401 is sent; a success gives it back and
-- clears the login's count, as before. 002's login_lookup and login_succeeded are no longer
-- called by the server (a process of the previous version may still call them during a
-- rolling restart); login_failed still counts a wrong current password (POST /api/password).
--
-- (Its functions, views and triggers are now defined once each in sql/functions/: see
-- README.md there.)

-- Attempts in progress: one row each, from the reservation to the outcome. The process
-- that holds one pushes its expires_at ahead every few seconds (login_attempts_renew); one
-- that died leaves rows that stop counting at expires_at, seconds later.
CREATE TABLE login_attempts (
    id         bigserial PRIMARY KEY,
    login      text NOT NULL,
    address    text NOT NULL,
    expires_at timestamptz NOT NULL
);
CREATE INDEX login_attempts_login ON login_attempts (login);
CREATE INDEX login_attempts_address ON login_attempts (address);
