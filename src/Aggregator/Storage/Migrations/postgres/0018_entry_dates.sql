-- The dates of the entries a feed's rate was counted from at its last full fetch (Unix seconds,
-- newest first; Scheduling/PollPlanner.StoredDates). A 304 counts the rate again from them as of
-- now: before, a feed kept the rate of its last change through every 304, and one burst of
-- posts had a feed that then fell quiet polled every few minutes for good.
ALTER TABLE feeds ADD COLUMN entry_dates text;
