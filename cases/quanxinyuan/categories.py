CATEGORIES = {
    "elder": ("助老", "Elderly care"),
    "child": ("助学", "Children and study"),
    "health": ("健康", "Health"),
    "repair": ("维修", "Repairs"),
    "environment": ("环境", "Environment"),
    "culture": ("文体", "Culture and sport"),
    "legal": ("法律", "Legal aid"),
    "jobs": ("就业", "Jobs"),
    "safety": ("安全", "Safety"),
    "goods": ("物资", "Goods"),
}
