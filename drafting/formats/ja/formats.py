# Dates as Japanese official documents write them (Western years): 2026年12月1日 09:30.
DATE_FORMAT = "Y年n月j日"
DATETIME_FORMAT = "Y年n月j日 H:i"
