# expect: 54000 deep
-- 10,000 nested flow sequences
repeat('[', 10000) || repeat(']', 10000)
