-- The phishing desk pages by keyset, oldest first: a state's cases are read as one range
-- of the first index from the last case of the previous page on, the list of every state
-- as one range of the second. They replace the index by state alone.
CREATE INDEX phish_urls_state_first ON phish_urls (state, first_reported_at, id);
CREATE INDEX phish_urls_first ON phish_urls (first_reported_at, id);
DROP INDEX phish_urls_state;
