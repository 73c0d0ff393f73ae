# expect: 22004 manifest must not be null
NULL
