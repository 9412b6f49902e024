-- Virus Check opens archives: the members taken out of a file (a JSON array of their
-- paths inside it, sizes and MD5, SHA-1 and SHA-256), kept with the file's results so
-- the shared-intel engine matches each member's hashes at read time, as the file's own.
ALTER TABLE virus_files ADD COLUMN members TEXT NOT NULL DEFAULT '[]';
