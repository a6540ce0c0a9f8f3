"""Component ids, in one place; the browser reads them from the page's config (``browser_ids``)."""

MAP = "live-map"
TICKER = "ticker"
CONFIG = "live-config"
COUNTER_OPEN = "counter-open"
COUNTER_TODAY = "counter-today"
COUNTER_CLOSED = "counter-closed-today"
COUNTER_AT_RISK = "counter-at-risk"
COUNTER_OVERDUE = "counter-overdue"
KPI_STRIP = "kpi-strip"
MAP_MODE = "map-mode"
CLOCK = "wall-clock"
LINK = "link-status"

# Each page's path (cases.access.PAGE_ROLES says who may open it) and its name's label.
PAGE_PATHS = {
    "wall": "/",
    "desk": "/desk",
    "lead": "/lead",
    "dept": "/dept",
    "kpi": "/kpi",
    "admin": "/admin",
}
PAGE_LABELS = {
    "wall": "nav_wall_short",
    "desk": "desk_page",
    "lead": "lead_page",
    "dept": "dept_page",
    "kpi": "kpi_page",
    "admin": "admin_page",
}

# Each headline counter by what it shows: the snapshot's counter names, or a risk level.
COUNTERS = {
    "open": COUNTER_OPEN,
    "today": COUNTER_TODAY,
    "closed_today": COUNTER_CLOSED,
    "at_risk": COUNTER_AT_RISK,
    "overdue": COUNTER_OVERDUE,
}


def browser_ids() -> dict[str, object]:
    """The ids the browser's views write to (assets/gridcc/main.js)."""
    return {
        "map": MAP,
        "ticker": TICKER,
        "kpis": KPI_STRIP,
        "mode": MAP_MODE,
        "clock": CLOCK,
        "link": LINK,
        "counters": dict(COUNTERS),
    }


# The shift lead's map (/lead) and a department's desk (/dept): assets/gridcc/leadmap.js and
# deptdesk.js read these from the page's config (``desk_ids``), never their own copies.
DESK_CONFIG = "desk-config"
DESK_MAP = "desk-map"
DESK_MAP_MODE = "desk-map-mode"
DESK_CLOCK = "desk-clock"
DESK_LINK = "desk-link"
DESK_COUNTERS = {
    "open": "desk-counter-open",
    "at_risk": "desk-counter-at-risk",
    "overdue": "desk-counter-overdue",
}
CASE_PLACE = "case-place"  # which cells / streets / communities the list is of
CASE_FILTERS = "case-filters"
CASE_TABLE = "case-table"
CASE_PAGER = "case-pager"
CASE_ACTIONS = "case-actions"  # the lead's reassign bar, for the selected cases
UNDO_BAR = "undo-bar"
CASE_MESSAGE = "case-message"
CASE_VIEW = "case-view"  # where a case opens (assets/gridcc/caseview.js)


def desk_ids() -> dict[str, object]:
    """The ids the desks' browser code writes to."""
    return {
        "config": DESK_CONFIG,
        "map": DESK_MAP,
        "mode": DESK_MAP_MODE,
        "clock": DESK_CLOCK,
        "link": DESK_LINK,
        "counters": dict(DESK_COUNTERS),
        "place": CASE_PLACE,
        "filters": CASE_FILTERS,
        "table": CASE_TABLE,
        "pager": CASE_PAGER,
        "actions": CASE_ACTIONS,
        "undo": UNDO_BAR,
        "message": CASE_MESSAGE,
        "caseView": CASE_VIEW,
    }
