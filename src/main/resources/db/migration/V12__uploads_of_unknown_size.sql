-- Uploads whose size is learned at complete (Uppy's @uppy/aws-s3 creates the upload without a
-- size and chooses its own part sizes): num_bytes and num_parts stay null until complete sets
-- them from the parts the store holds; part_size stays null for good (the client chose it).
-- The checks (> 0) still hold for every value that is set.
alter table upload alter column num_bytes drop not null;
alter table upload alter column part_size drop not null;
alter table upload alter column num_parts drop not null;
