"""What the district's people write in the audit log when they void, return, rework,
extend or rate a case (each pick is drawn from the district's random stream)."""

from __future__ import annotations

VOID = (
    "重复上报，已并入在办案件",
    "重复上报，同一点位已立案",
    "不属于网格化管理事项",
    "现场核实问题不存在",
    "上报信息不全，联系不上报人",
)
RETURN = (
    "不属于本部门职责，请重新派遣",
    "权属不清，需指挥中心协调",
    "点位不在本部门管辖范围",
    "该事项已由其他单位办理",
    "派遣类别有误，建议改派",
)
REDIRECT = "按退回意见改派至{dept}"
RESEND = "经核实属原部门职责，重新派遣"
REWORK = (
    "现场复核未整改到位",
    "处置照片与现场不符",
    "问题反弹，需再次处置",
    "群众反映仍未解决",
    "只处理了部分点位",
)
EXTEND = (
    "需协调产权单位，申请延期",
    "需等待材料和设备到位",
    "天气原因无法作业",
    "需多部门联合处置",
    "涉及施工审批，办理周期较长",
)
RATING = {
    "satisfied": "回访：满意",
    "basic": "回访：基本满意",
    "unsatisfied": "回访：不满意",
}
