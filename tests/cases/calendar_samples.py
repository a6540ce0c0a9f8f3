"""A 2027 schedule for the tests: plausible, made up here (not the State Council's notice).

Against the statutory fallback it moves days both ways: 2027-02-11 and 02-12 are rest days
(the fallback knows only 02-05 and 02-08 to 02-10), 2027-02-20 (a Saturday) is a make-up
workday, and 10-06 / 10-07 are rest days the fallback does not know.
"""

SCHEDULE_2027 = """\
# 2027 年节假日安排（测试用，非官方）
year: 2027
2027-01-01,rest,元旦
2027-02-05,rest,春节
2027-02-08,rest,春节
2027-02-09,rest,春节
2027-02-10,rest,春节
2027-02-11,rest,春节
2027-02-12,rest,春节
2027-02-20,work,春节调休
2027-04-05,rest,清明
2027-05-03,rest,劳动节
2027-05-04,rest,劳动节
2027-05-05,rest,劳动节
2027-05-08,work,劳动节调休
2027-06-09,rest,端午
2027-09-15,rest,中秋
2027-10-01,rest,国庆节
2027-10-04,rest,国庆节
2027-10-05,rest,国庆节
2027-10-06,rest,国庆节
2027-10-07,rest,国庆节
2027-10-09,work,国庆节调休
"""

# A New Year with a make-up Saturday right after it: a deadline from 2026-12-31 runs into it.
NEW_YEAR_MAKE_UP_2027 = """\
year: 2027
2027-01-01,rest,元旦
2027-01-02,work,元旦调休
"""
