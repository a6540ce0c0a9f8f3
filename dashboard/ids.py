"""Component ids, in one place; the browser reads them from the page's config (``browser_ids``)."""

MAP = "live-map"
TICKER = "ticker"
CONFIG = "live-config"
COUNTER_OPEN = "counter-open"
COUNTER_TODAY = "counter-today"
COUNTER_CLOSED = "counter-closed-today"
COUNTER_AT_RISK = "counter-at-risk"
COUNTER_OVERDUE = "counter-overdue"
COUNTER_SUSPENDED = "counter-suspended"
KPI_STRIP = "kpi-strip"
MAP_MODE = "map-mode"
MAP_TITLE = "map-title"
CLOCK = "wall-clock"
ALERTS = "alerts"
ALERTS_MORE = "alerts-more"
ALERT_COUNT = "alert-count"
LINK = "link-status"
CALENDAR_NOTICE = "calendar-notice"  # the working calendar runs out soon (calendar_notice.py)

# The operators' desk (dashboard/desk_page.py, assets/gridcc/desk.js).
DESK_QUEUE = "desk-queue"
DESK_CASE = "desk-case"
DESK_FILTER = "desk-filter"
DESK_COUNTS = "desk-counts"
DESK_HELP = "desk-help"
DESK_TOAST = "desk-toast"
DESK_CONFIG = "desk-config"
DESK_CLOCK = "desk-clock"
DESK_LINK = "desk-link"

# Each page's path (cases.access.PAGE_ROLES says who may open it) and its name's label.
PAGE_PATHS = {
    "wall": "/",
    "desk": "/desk",
    "lead": "/lead",
    "dept": "/dept",
    "kpi": "/kpi",
    "admin": "/admin",
    "patrol": "/patrol",
    "community": "/community",
    "unit": "/unit",
}
PAGE_LABELS = {
    "wall": "nav_wall_short",
    "desk": "desk_page",
    "lead": "lead_page",
    "dept": "dept_page",
    "kpi": "kpi_page",
    "admin": "admin_page",
    "patrol": "patrol_page",
    "community": "qxy_community_page",
    "unit": "qxy_unit_page",
}

# Each headline counter by what it shows: the snapshot's counter names, a risk level, or
# "suspended" (the open cases 挂账, counted apart: assets/gridcc/state.js risk).
COUNTERS = {
    "open": COUNTER_OPEN,
    "today": COUNTER_TODAY,
    "closed_today": COUNTER_CLOSED,
    "at_risk": COUNTER_AT_RISK,
    "overdue": COUNTER_OVERDUE,
    "suspended": COUNTER_SUSPENDED,
}


def browser_ids() -> dict[str, object]:
    """The ids the browser's views write to (assets/gridcc/main.js)."""
    return {
        "map": MAP,
        "ticker": TICKER,
        "alerts": ALERTS,
        "alertsMore": ALERTS_MORE,
        "alertCount": ALERT_COUNT,
        "kpis": KPI_STRIP,
        "mode": MAP_MODE,
        "mapTitle": MAP_TITLE,
        "clock": CLOCK,
        "link": LINK,
        "counters": dict(COUNTERS),
        "calendarNotice": CALENDAR_NOTICE,
    }


def desk_ids() -> dict[str, str]:
    """The ids the operators' desk writes to (assets/gridcc/desk.js)."""
    return {
        "queue": DESK_QUEUE,
        "case": DESK_CASE,
        "filter": DESK_FILTER,
        "counts": DESK_COUNTS,
        "help": DESK_HELP,
        "toast": DESK_TOAST,
        "clock": DESK_CLOCK,
        "link": DESK_LINK,
    }


# The desks with a map, the shift lead's (/lead) and a department's (/dept):
# assets/gridcc/leadmap.js and deptdesk.js read these from the page's config
# (``map_desk_ids``), never their own copies.
MAP_DESK_CONFIG = "md-config"
MAP_DESK_MAP = "md-map"
MAP_DESK_MODE = "md-map-mode"
MAP_DESK_TITLE = "md-map-title"
MAP_DESK_CLOCK = "md-clock"
MAP_DESK_LINK = "md-link"
MAP_DESK_COUNTERS = {
    "open": "md-counter-open",
    "at_risk": "md-counter-at-risk",
    "overdue": "md-counter-overdue",
}
CASE_PLACE = "case-place"  # which cells / streets / communities the list is of
CASE_FILTERS = "case-filters"
CASE_TABLE = "case-table"
CASE_PAGER = "case-pager"
CASE_ACTIONS = "case-actions"  # the lead's reassign bar, for the selected cases
UNDO_BAR = "undo-bar"
CASE_MESSAGE = "case-message"
CASE_VIEW = "case-view"  # where a case opens (assets/gridcc/caseview.js)


def map_desk_ids() -> dict[str, object]:
    """The ids the desks with a map write to (assets/gridcc/leadmap.js, deptdesk.js)."""
    return {
        "config": MAP_DESK_CONFIG,
        "map": MAP_DESK_MAP,
        "mode": MAP_DESK_MODE,
        "title": MAP_DESK_TITLE,
        "clock": MAP_DESK_CLOCK,
        "link": MAP_DESK_LINK,
        "counters": dict(MAP_DESK_COUNTERS),
        "place": CASE_PLACE,
        "filters": CASE_FILTERS,
        "table": CASE_TABLE,
        "pager": CASE_PAGER,
        "actions": CASE_ACTIONS,
        "undo": UNDO_BAR,
        "message": CASE_MESSAGE,
        "caseView": CASE_VIEW,
    }
