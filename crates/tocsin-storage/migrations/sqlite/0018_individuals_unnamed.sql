-- A researcher's own points account (no organization) is named on the leaderboard only
-- when they choose it on their points page: a person's name is theirs to publish. Until
-- now such accounts were named by default.
UPDATE points_accounts SET leaderboard_opt_out = TRUE WHERE org_id IS NULL;
