"""Word lists for `manage.py seed_demo`: industries, countries, cities and company-name parts.

Everything here is plain data. The command draws from it with a seeded random generator, so
the same lists and the same seed always give the same world. Names are made up from common
words; websites use the reserved `.example` top-level domain only.
"""

from typing import NamedTuple


class IndustryData(NamedTuple):
    slug: str
    name: str
    name_zh: str
    phase: int  # the fair phase the industry exhibits in (1, 2 or 3)
    products: tuple[str, ...]  # what its suppliers make, in English
    products_zh: tuple[str, ...]  # the same, in Chinese
    trade_en: tuple[str, ...]  # the trade words a Chinese supplier's English name uses
    trade_zh: tuple[str, ...]  # the same words in Chinese, position for position


INDUSTRIES: tuple[IndustryData, ...] = (
    IndustryData(
        "machinery",
        "Industrial Machinery",
        "工业机械",
        1,
        ("injection moulding machines", "CNC lathes", "hydraulic presses", "air compressors"),
        ("注塑机", "数控车床", "液压机", "空气压缩机"),
        ("Precision Machinery", "Machinery Equipment", "Heavy Industry"),
        ("精密机械", "机械设备", "重工"),
    ),
    IndustryData(
        "agricultural-machinery",
        "Agricultural Machinery",
        "农业机械",
        1,
        ("walking tractors", "rice transplanters", "sprayers", "grain dryers"),
        ("手扶拖拉机", "插秧机", "喷雾机", "粮食烘干机"),
        ("Agricultural Machinery", "Farm Equipment"),
        ("农业机械", "农机装备"),
    ),
    IndustryData(
        "food-machinery",
        "Food Processing Machinery",
        "食品机械",
        1,
        ("filling machines", "packaging lines", "industrial ovens", "mixers"),
        ("灌装机", "包装生产线", "工业烤炉", "搅拌机"),
        ("Food Machinery", "Packaging Machinery"),
        ("食品机械", "包装机械"),
    ),
    IndustryData(
        "hardware-tools",
        "Hardware and Tools",
        "五金工具",
        1,
        ("hand tools", "power drills", "fasteners", "padlocks"),
        ("手动工具", "电钻", "紧固件", "挂锁"),
        ("Hardware Tools", "Tools Manufacturing", "Hardware Products"),
        ("五金工具", "工具制造", "五金制品"),
    ),
    IndustryData(
        "auto-parts",
        "Auto Parts",
        "汽车配件",
        1,
        ("brake pads", "radiators", "shock absorbers", "LED headlamps"),
        ("刹车片", "散热器", "减震器", "LED大灯"),
        ("Auto Parts", "Automotive Components"),
        ("汽车配件", "汽车零部件"),
    ),
    IndustryData(
        "motorcycles-ebikes",
        "Motorcycles and E-bikes",
        "摩托车与电动自行车",
        1,
        ("electric bicycles", "scooters", "motorcycle parts", "e-bike batteries"),
        ("电动自行车", "踏板车", "摩托车配件", "电动车电池"),
        ("Vehicle", "Electric Vehicle"),
        ("车业", "电动车"),
    ),
    IndustryData(
        "consumer-electronics",
        "Consumer Electronics",
        "消费电子",
        1,
        ("Bluetooth speakers", "smart watches", "earphones", "power banks"),
        ("蓝牙音箱", "智能手表", "耳机", "移动电源"),
        ("Electronic Technology", "Digital Technology", "Electronics"),
        ("电子科技", "数码科技", "电子"),
    ),
    IndustryData(
        "electronic-components",
        "Electronic Components",
        "电子元器件",
        1,
        ("printed circuit boards", "connectors", "capacitors", "relays"),
        ("印刷电路板", "连接器", "电容器", "继电器"),
        ("Electronic Components", "Circuit Technology"),
        ("电子元件", "电路科技"),
    ),
    IndustryData(
        "computers-networking",
        "Computers and Networking",
        "计算机与网络设备",
        1,
        ("network switches", "routers", "industrial PCs", "server racks"),
        ("网络交换机", "路由器", "工控机", "服务器机柜"),
        ("Network Technology", "Computer Technology"),
        ("网络科技", "计算机科技"),
    ),
    IndustryData(
        "mobile-accessories",
        "Mobile Phone Accessories",
        "手机配件",
        1,
        ("phone cases", "chargers", "USB cables", "screen protectors"),
        ("手机壳", "充电器", "数据线", "屏幕保护膜"),
        ("Digital Accessories", "Electronic Technology"),
        ("数码配件", "电子科技"),
    ),
    IndustryData(
        "home-appliances",
        "Home Appliances",
        "家用电器",
        1,
        ("air fryers", "rice cookers", "electric kettles", "fans"),
        ("空气炸锅", "电饭煲", "电热水壶", "电风扇"),
        ("Electrical Appliances", "Home Appliances"),
        ("电器", "家用电器"),
    ),
    IndustryData(
        "led-lighting",
        "LED Lighting",
        "LED照明",
        1,
        ("LED panel lights", "street lights", "LED strips", "downlights"),
        ("LED面板灯", "路灯", "LED灯带", "筒灯"),
        ("Optoelectronic Technology", "Lighting", "Lighting Appliances"),
        ("光电科技", "照明", "照明电器"),
    ),
    IndustryData(
        "electrical-equipment",
        "Electrical Equipment",
        "电气设备",
        1,
        ("circuit breakers", "transformers", "switchgear", "cables and wires"),
        ("断路器", "变压器", "开关柜", "电线电缆"),
        ("Electric", "Electrical Equipment"),
        ("电气", "电气设备"),
    ),
    IndustryData(
        "solar-energy",
        "Solar and New Energy",
        "太阳能与新能源",
        1,
        ("solar panels", "inverters", "lithium batteries", "solar street lights"),
        ("太阳能电池板", "逆变器", "锂电池", "太阳能路灯"),
        ("New Energy Technology", "Solar Technology", "Power Technology"),
        ("新能源科技", "太阳能科技", "电源科技"),
    ),
    IndustryData(
        "security-surveillance",
        "Security and Surveillance",
        "安防监控",
        1,
        ("IP cameras", "video recorders", "access control", "alarm systems"),
        ("网络摄像机", "硬盘录像机", "门禁系统", "报警系统"),
        ("Security Technology", "Intelligent Technology"),
        ("安防科技", "智能科技"),
    ),
    IndustryData(
        "building-materials",
        "Building Materials",
        "建筑材料",
        2,
        ("aluminium profiles", "PVC windows", "stone slabs", "wall panels"),
        ("铝型材", "PVC门窗", "石材板材", "墙板"),
        ("Building Materials", "New Materials"),
        ("建材", "新材料"),
    ),
    IndustryData(
        "ceramics",
        "Ceramics",
        "陶瓷",
        2,
        ("porcelain tiles", "tableware", "sanitary ceramics", "vases"),
        ("瓷砖", "餐具", "卫生陶瓷", "花瓶"),
        ("Ceramics", "Porcelain"),
        ("陶瓷", "瓷业"),
    ),
    IndustryData(
        "bathroom-fittings",
        "Bathroom and Sanitary Ware",
        "卫浴洁具",
        2,
        ("faucets", "shower sets", "toilets", "bathroom cabinets"),
        ("水龙头", "花洒", "座便器", "浴室柜"),
        ("Sanitary Ware", "Kitchen and Bath"),
        ("洁具", "厨卫"),
    ),
    IndustryData(
        "furniture",
        "Furniture",
        "家具",
        2,
        ("office chairs", "sofas", "solid wood tables", "outdoor furniture"),
        ("办公椅", "沙发", "实木餐桌", "户外家具"),
        ("Furniture", "Home Furnishing"),
        ("家具", "家居"),
    ),
    IndustryData(
        "home-textiles",
        "Home Textiles",
        "家纺",
        2,
        ("bed linen", "towels", "curtains", "blankets"),
        ("床上用品", "毛巾", "窗帘", "毛毯"),
        ("Home Textiles", "Textile"),
        ("家纺", "纺织"),
    ),
    IndustryData(
        "kitchenware",
        "Kitchenware and Tableware",
        "厨具与餐具",
        2,
        ("stainless steel cookware", "knives", "non-stick pans", "cutlery"),
        ("不锈钢锅具", "刀具", "不粘锅", "刀叉餐具"),
        ("Kitchenware", "Housewares"),
        ("厨具", "日用品"),
    ),
    IndustryData(
        "glassware",
        "Glassware",
        "玻璃制品",
        2,
        ("glass bottles", "drinking glasses", "glass jars", "tempered glass"),
        ("玻璃瓶", "玻璃杯", "玻璃罐", "钢化玻璃"),
        ("Glass Products", "Glassware"),
        ("玻璃制品", "玻璃器皿"),
    ),
    IndustryData(
        "gifts-crafts",
        "Gifts and Crafts",
        "礼品与工艺品",
        2,
        ("resin figurines", "promotional gifts", "candles", "photo frames"),
        ("树脂摆件", "促销礼品", "蜡烛", "相框"),
        ("Arts and Crafts", "Gifts"),
        ("工艺品", "礼品"),
    ),
    IndustryData(
        "outdoor-garden",
        "Outdoor and Garden",
        "户外与园艺用品",
        2,
        ("garden tools", "camping tents", "BBQ grills", "planters"),
        ("园林工具", "露营帐篷", "烧烤炉", "花盆"),
        ("Outdoor Products", "Garden Products"),
        ("户外用品", "园艺用品"),
    ),
    IndustryData(
        "steel-products",
        "Steel and Metal Products",
        "钢材与金属制品",
        2,
        ("steel pipes", "wire mesh", "steel structures", "castings"),
        ("钢管", "钢丝网", "钢结构", "铸件"),
        ("Steel", "Metal Products"),
        ("钢铁", "金属制品"),
    ),
    IndustryData(
        "chemicals",
        "Chemicals",
        "化工产品",
        2,
        ("titanium dioxide", "adhesives", "coatings", "water treatment chemicals"),
        ("钛白粉", "胶粘剂", "涂料", "水处理剂"),
        ("Chemical", "Chemical Industry"),
        ("化工", "化学工业"),
    ),
    IndustryData(
        "plastics-rubber",
        "Plastics and Rubber Products",
        "塑料与橡胶制品",
        2,
        ("plastic containers", "rubber seals", "PE film", "hoses"),
        ("塑料容器", "橡胶密封件", "PE薄膜", "软管"),
        ("Plastic Products", "Rubber and Plastic"),
        ("塑料制品", "橡塑"),
    ),
    IndustryData(
        "packaging",
        "Packaging and Printing",
        "包装与印刷",
        2,
        ("corrugated boxes", "paper bags", "labels", "gift boxes"),
        ("瓦楞纸箱", "纸袋", "标签", "礼盒"),
        ("Packaging", "Printing and Packaging"),
        ("包装", "印刷包装"),
    ),
    IndustryData(
        "textiles",
        "Textiles and Fabrics",
        "纺织面料",
        3,
        ("cotton fabrics", "polyester yarn", "denim", "knitted fabrics"),
        ("棉布", "涤纶纱线", "牛仔布", "针织面料"),
        ("Textile", "Knitting", "Fabrics"),
        ("纺织", "针织", "面料"),
    ),
    IndustryData(
        "garments",
        "Garments",
        "服装",
        3,
        ("T-shirts", "jackets", "workwear", "knitwear"),
        ("T恤", "夹克", "工作服", "针织衫"),
        ("Garment", "Apparel", "Fashion"),
        ("服装", "服饰", "时装"),
    ),
    IndustryData(
        "footwear",
        "Footwear",
        "鞋类",
        3,
        ("sports shoes", "leather shoes", "sandals", "safety boots"),
        ("运动鞋", "皮鞋", "凉鞋", "安全靴"),
        ("Shoes", "Footwear"),
        ("鞋业", "鞋业制品"),
    ),
    IndustryData(
        "bags-luggage",
        "Bags and Luggage",
        "箱包",
        3,
        ("suitcases", "backpacks", "handbags", "laptop bags"),
        ("拉杆箱", "背包", "手提包", "电脑包"),
        ("Bags", "Luggage"),
        ("箱包", "皮具"),
    ),
    IndustryData(
        "fashion-jewellery",
        "Fashion Jewellery",
        "时尚饰品",
        3,
        ("earrings", "necklaces", "hair accessories", "stainless steel rings"),
        ("耳环", "项链", "发饰", "不锈钢戒指"),
        ("Jewelry", "Accessories"),
        ("饰品", "首饰"),
    ),
    IndustryData(
        "toys",
        "Toys",
        "玩具",
        3,
        ("plush toys", "RC cars", "educational toys", "building blocks"),
        ("毛绒玩具", "遥控车", "益智玩具", "积木"),
        ("Toys", "Toy Industry"),
        ("玩具", "玩具实业"),
    ),
    IndustryData(
        "baby-products",
        "Baby and Maternity Products",
        "母婴用品",
        3,
        ("strollers", "baby bottles", "diapers", "car seats"),
        ("婴儿推车", "奶瓶", "纸尿裤", "安全座椅"),
        ("Baby Products", "Maternal and Infant Products"),
        ("婴童用品", "母婴用品"),
    ),
    IndustryData(
        "sporting-goods",
        "Sporting Goods",
        "体育用品",
        3,
        ("fitness equipment", "yoga mats", "balls", "bicycle helmets"),
        ("健身器材", "瑜伽垫", "球类", "自行车头盔"),
        ("Sporting Goods", "Fitness Equipment"),
        ("体育用品", "健身器材"),
    ),
    IndustryData(
        "stationery-office",
        "Stationery and Office Supplies",
        "文具与办公用品",
        3,
        ("notebooks", "ballpoint pens", "files and folders", "art supplies"),
        ("笔记本", "圆珠笔", "文件夹", "美术用品"),
        ("Stationery", "Office Supplies"),
        ("文具", "办公用品"),
    ),
    IndustryData(
        "medical-devices",
        "Medical Devices and Supplies",
        "医疗器械与耗材",
        3,
        ("surgical masks", "blood pressure monitors", "syringes", "hospital beds"),
        ("医用口罩", "血压计", "注射器", "病床"),
        ("Medical Technology", "Medical Equipment"),
        ("医疗科技", "医疗器械"),
    ),
    IndustryData(
        "cosmetics-personal-care",
        "Cosmetics and Personal Care",
        "化妆品与个人护理",
        3,
        ("skin care", "hair dryers", "toothbrushes", "nail polish"),
        ("护肤品", "吹风机", "牙刷", "指甲油"),
        ("Cosmetics", "Personal Care Products"),
        ("化妆品", "个人护理用品"),
    ),
    IndustryData(
        "pet-products",
        "Pet Products",
        "宠物用品",
        3,
        ("pet beds", "leashes", "cat litter", "pet toys"),
        ("宠物窝", "牵引绳", "猫砂", "宠物玩具"),
        ("Pet Products",),
        ("宠物用品",),
    ),
    IndustryData(
        "food-beverages",
        "Food and Beverages",
        "食品饮料",
        3,
        ("green tea", "canned fruit", "dried mushrooms", "snacks"),
        ("绿茶", "水果罐头", "干香菇", "休闲食品"),
        ("Foods", "Food Industry"),
        ("食品", "食品工业"),
    ),
)


class ChineseCity(NamedTuple):
    name: str
    name_zh: str
    region_code: str  # the administrative division code a unified social credit code carries
    industries: tuple[str, ...]  # industry slugs the city is known for (weights the draw)


CN_CITIES: tuple[ChineseCity, ...] = (
    ChineseCity("Ningbo", "宁波", "330200", ("machinery", "home-appliances", "kitchenware", "garments")),
    ChineseCity(
        "Shenzhen",
        "深圳",
        "440300",
        (
            "consumer-electronics",
            "electronic-components",
            "mobile-accessories",
            "security-surveillance",
            "computers-networking",
        ),
    ),
    ChineseCity(
        "Guangzhou", "广州", "440100", ("cosmetics-personal-care", "garments", "auto-parts", "bags-luggage")
    ),
    ChineseCity("Dongguan", "东莞", "441900", ("electronic-components", "furniture", "toys", "footwear")),
    ChineseCity(
        "Foshan",
        "佛山",
        "440600",
        ("ceramics", "furniture", "home-appliances", "building-materials", "bathroom-fittings"),
    ),
    ChineseCity("Zhongshan", "中山", "442000", ("led-lighting", "home-appliances")),
    ChineseCity("Xiamen", "厦门", "350200", ("sporting-goods", "building-materials", "food-beverages")),
    ChineseCity("Quanzhou", "泉州", "350500", ("footwear", "garments", "ceramics")),
    ChineseCity("Suzhou", "苏州", "320500", ("electronic-components", "textiles", "machinery")),
    ChineseCity("Wuxi", "无锡", "320200", ("electrical-equipment", "motorcycles-ebikes", "textiles")),
    ChineseCity("Changzhou", "常州", "320400", ("solar-energy", "machinery", "agricultural-machinery")),
    ChineseCity(
        "Hangzhou", "杭州", "330100", ("security-surveillance", "textiles", "home-textiles", "food-beverages")
    ),
    ChineseCity("Wenzhou", "温州", "330300", ("electrical-equipment", "footwear", "bathroom-fittings")),
    ChineseCity("Yiwu", "义乌", "330782", ("gifts-crafts", "fashion-jewellery", "toys", "stationery-office")),
    ChineseCity("Jinhua", "金华", "330700", ("hardware-tools", "motorcycles-ebikes")),
    ChineseCity("Yongkang", "永康", "330784", ("hardware-tools", "kitchenware")),
    ChineseCity("Shaoxing", "绍兴", "330600", ("textiles", "home-textiles")),
    ChineseCity(
        "Qingdao", "青岛", "370200", ("home-appliances", "auto-parts", "food-beverages", "plastics-rubber")
    ),
    ChineseCity("Tianjin", "天津", "120116", ("steel-products", "motorcycles-ebikes", "chemicals")),
    ChineseCity("Shanghai", "上海", "310115", ("medical-devices", "chemicals", "machinery", "packaging")),
    ChineseCity("Jiangmen", "江门", "440700", ("bathroom-fittings", "kitchenware", "motorcycles-ebikes")),
    ChineseCity("Shantou", "汕头", "440500", ("toys", "packaging", "plastics-rubber")),
    ChineseCity("Chaozhou", "潮州", "445100", ("ceramics", "glassware")),
    ChineseCity("Weifang", "潍坊", "370700", ("agricultural-machinery", "food-machinery", "outdoor-garden")),
    ChineseCity("Zhangzhou", "漳州", "350600", ("food-beverages", "food-machinery")),
    ChineseCity("Cixi", "慈溪", "330282", ("home-appliances", "baby-products", "pet-products")),
    ChineseCity("Hefei", "合肥", "340100", ("home-appliances", "solar-energy", "electrical-equipment")),
    ChineseCity("Chengdu", "成都", "510100", ("computers-networking", "food-beverages", "furniture")),
)

# Trade names as a Chinese company registers them, with the romanised form its English name uses.
CN_BRANDS: tuple[tuple[str, str], ...] = (
    ("恒泰", "Hengtai"),
    ("宏达", "Hongda"),
    ("金鑫", "Jinxin"),
    ("华美", "Huamei"),
    ("永盛", "Yongsheng"),
    ("鑫源", "Xinyuan"),
    ("瑞丰", "Ruifeng"),
    ("信达", "Xinda"),
    ("天成", "Tiancheng"),
    ("嘉禾", "Jiahe"),
    ("润发", "Runfa"),
    ("广源", "Guangyuan"),
    ("合力", "Heli"),
    ("东升", "Dongsheng"),
    ("新锐", "Xinrui"),
    ("博远", "Boyuan"),
    ("凯达", "Kaida"),
    ("中恒", "Zhongheng"),
    ("盛世", "Shengshi"),
    ("佳友", "Jiayou"),
    ("安康", "Ankang"),
    ("明辉", "Minghui"),
    ("正泰", "Zhengtai"),
    ("精诚", "Jingcheng"),
    ("汇通", "Huitong"),
    ("立德", "Lide"),
    ("海川", "Haichuan"),
    ("长青", "Changqing"),
    ("兴业", "Xingye"),
    ("万和", "Wanhe"),
    ("金桥", "Jinqiao"),
    ("远航", "Yuanhang"),
    ("卓越", "Zhuoyue"),
    ("华信", "Huaxin"),
    ("联创", "Lianchuang"),
    ("宇辉", "Yuhui"),
    ("德润", "Derun"),
    ("富康", "Fukang"),
    ("鼎盛", "Dingsheng"),
    ("通达", "Tongda"),
    ("新宇", "Xinyu"),
    ("锦华", "Jinhua"),
    ("志高", "Zhigao"),
    ("伟业", "Weiye"),
    ("振华", "Zhenhua"),
    ("春晖", "Chunhui"),
    ("荣昌", "Rongchang"),
    ("泰和", "Taihe"),
    ("百川", "Baichuan"),
    ("顺发", "Shunfa"),
    ("协力", "Xieli"),
    ("腾飞", "Tengfei"),
    ("宏图", "Hongtu"),
    ("金岭", "Jinling"),
    ("华丰", "Huafeng"),
    ("永康达", "Yongkangda"),
    ("诚信", "Chengxin"),
    ("国泰", "Guotai"),
    ("昌隆", "Changlong"),
    ("海纳", "Haina"),
    ("晨光", "Chenguang"),
    ("蓝天", "Lantian"),
    ("启明", "Qiming"),
    ("恒昌", "Hengchang"),
    ("旭日", "Xuri"),
    ("大成", "Dacheng"),
    ("安泰", "Antai"),
    ("银河", "Yinhe"),
    ("明达", "Mingda"),
    ("中兴达", "Zhongxingda"),
)

# Legal forms: (Chinese, English), weighted towards the plain limited company.
CN_LEGAL_FORMS: tuple[tuple[str, str], ...] = (
    ("有限公司", "Co., Ltd."),
    ("有限公司", "Co., Ltd."),
    ("有限公司", "Co., Ltd."),
    ("股份有限公司", "Joint Stock Co., Ltd."),
    ("实业有限公司", "Industrial Co., Ltd."),
    ("制品有限公司", "Products Co., Ltd."),
)

CN_REGISTRATION_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # the unified social credit code's alphabet


class CountryData(NamedTuple):
    code: str  # ISO 3166-1 alpha-2
    cities: tuple[str, ...]
    names: tuple[str, ...]  # surnames, places and coined words used as trade names
    legal_forms: tuple[str, ...]
    industries: tuple[str, ...] = ()  # industry slugs its suppliers favour


# Supplier countries other than China, and the share of non-Chinese suppliers each gets.
SUPPLIER_COUNTRIES: tuple[tuple[str, int], ...] = (
    ("VN", 18),
    ("IN", 18),
    ("TR", 12),
    ("DE", 10),
    ("IT", 10),
    ("MX", 8),
    ("BD", 8),
    ("TH", 5),
    ("MY", 4),
    ("PL", 4),
    ("KR", 4),
    ("ES", 3),
    ("PK", 4),
    ("ID", 4),
)
CN_SUPPLIER_SHARE = 0.7

# Buyer countries and their weights: importers worldwide.
BUYER_COUNTRIES: tuple[tuple[str, int], ...] = (
    ("US", 90),
    ("GB", 40),
    ("DE", 35),
    ("FR", 25),
    ("IT", 18),
    ("ES", 18),
    ("NL", 15),
    ("PL", 12),
    ("CA", 20),
    ("MX", 15),
    ("BR", 22),
    ("CL", 8),
    ("CO", 8),
    ("AR", 6),
    ("AU", 18),
    ("JP", 15),
    ("KR", 10),
    ("IN", 18),
    ("AE", 20),
    ("SA", 14),
    ("EG", 8),
    ("NG", 12),
    ("KE", 8),
    ("ZA", 10),
    ("TR", 10),
    ("RU", 12),
    ("TH", 8),
    ("ID", 10),
    ("MY", 8),
    ("SG", 8),
    ("PH", 8),
    ("VN", 8),
    ("PK", 6),
)

# Words an importer's name is made of: "<Name> <word> <legal form>".
BUYER_TRADE_WORDS: tuple[str, ...] = (
    "Trading",
    "Imports",
    "Sourcing",
    "Distribution",
    "Wholesale",
    "Supply",
    "Global Trade",
    "Retail Group",
    "Merchandise",
    "Commerce",
    "International",
    "Procurement",
    "Brands",
)

COUNTRIES: dict[str, CountryData] = {
    c.code: c
    for c in (
        CountryData(
            "VN",
            ("Ho Chi Minh City", "Hanoi", "Hai Phong", "Binh Duong", "Da Nang", "Dong Nai"),
            (
                "Saigon",
                "Thanh Cong",
                "Hoa Binh",
                "Phu Thai",
                "Minh Long",
                "An Phat",
                "Viet Tien",
                "Tan Hiep",
                "Hung Thinh",
                "Dai Viet",
                "Phuong Nam",
                "Song Hong",
            ),
            ("Co., Ltd.", "Joint Stock Company", "Company Limited"),
            ("furniture", "footwear", "garments", "textiles", "food-beverages", "consumer-electronics"),
        ),
        CountryData(
            "IN",
            (
                "Mumbai",
                "Delhi",
                "Tiruppur",
                "Ludhiana",
                "Ahmedabad",
                "Chennai",
                "Pune",
                "Surat",
                "Moradabad",
                "Rajkot",
            ),
            (
                "Shree Ganesh",
                "Vardhman",
                "Bharat",
                "Patel",
                "Sharma",
                "Agarwal",
                "Laxmi",
                "Mehta",
                "Krishna",
                "Sai",
                "Jain",
                "Kaveri",
                "Deccan",
                "Indus",
            ),
            ("Pvt. Ltd.", "Exports Pvt. Ltd.", "Industries Ltd.", "Overseas Pvt. Ltd."),
            (
                "textiles",
                "garments",
                "home-textiles",
                "chemicals",
                "auto-parts",
                "gifts-crafts",
                "hardware-tools",
            ),
        ),
        CountryData(
            "TR",
            ("Istanbul", "Bursa", "Izmir", "Denizli", "Gaziantep", "Kayseri", "Ankara"),
            (
                "Anadolu",
                "Yildiz",
                "Demir",
                "Kaya",
                "Marmara",
                "Ege",
                "Ozturk",
                "Aydin",
                "Sahin",
                "Karadeniz",
                "Toros",
            ),
            ("A.S.", "Ltd. Sti.", "Sanayi ve Ticaret A.S."),
            ("home-textiles", "textiles", "garments", "furniture", "auto-parts", "glassware"),
        ),
        CountryData(
            "DE",
            (
                "Stuttgart",
                "Munich",
                "Hamburg",
                "Cologne",
                "Dortmund",
                "Nuremberg",
                "Bielefeld",
                "Frankfurt am Main",
                "Berlin",
                "Hanover",
                "Dusseldorf",
                "Leipzig",
            ),
            (
                "Becker",
                "Hoffmann",
                "Krause",
                "Vogel",
                "Schneider",
                "Wagner",
                "Richter",
                "Lange",
                "Brandt",
                "Albrecht",
                "Nordhafen",
                "Rheintal",
                "Weber",
                "Keller",
            ),
            ("GmbH", "GmbH & Co. KG", "AG"),
            (
                "machinery",
                "auto-parts",
                "electrical-equipment",
                "medical-devices",
                "chemicals",
                "food-machinery",
            ),
        ),
        CountryData(
            "IT",
            (
                "Milan",
                "Turin",
                "Bologna",
                "Prato",
                "Sassuolo",
                "Vicenza",
                "Brescia",
                "Florence",
                "Naples",
                "Treviso",
            ),
            (
                "Rossi",
                "Bianchi",
                "Ferrari",
                "Colombo",
                "Ricci",
                "Marino",
                "Gallo",
                "Conti",
                "Bellini",
                "Lombardi",
                "Adriatica",
                "Fontana",
            ),
            ("S.r.l.", "S.p.A."),
            ("ceramics", "machinery", "furniture", "textiles", "footwear", "food-beverages"),
        ),
        CountryData(
            "MX",
            ("Monterrey", "Guadalajara", "Mexico City", "Puebla", "Queretaro", "Tijuana", "Leon", "Saltillo"),
            (
                "Azteca",
                "del Norte",
                "Sierra Madre",
                "Hernandez",
                "Garcia",
                "Martinez",
                "Lopez",
                "Pacifico",
                "Bajio",
                "Real",
            ),
            ("S.A. de C.V.", "S. de R.L. de C.V."),
            ("auto-parts", "electrical-equipment", "furniture", "footwear", "food-beverages"),
        ),
        CountryData(
            "BD",
            ("Dhaka", "Chittagong", "Gazipur", "Narayanganj", "Savar"),
            (
                "Padma",
                "Meghna",
                "Jamuna",
                "Bengal",
                "Rahman",
                "Karim",
                "Sonar Bangla",
                "Delta",
                "Rupsha",
                "Hossain",
            ),
            ("Ltd.", "Apparels Ltd.", "Knit Composite Ltd."),
            ("garments", "textiles", "home-textiles", "footwear", "bags-luggage"),
        ),
        CountryData(
            "TH",
            ("Bangkok", "Chonburi", "Samut Prakan", "Chiang Mai", "Rayong"),
            ("Siam", "Chao Phraya", "Thai Union", "Sukhothai", "Rattana", "Lanna", "Kasem"),
            ("Co., Ltd.", "Public Co., Ltd."),
            ("auto-parts", "food-beverages", "plastics-rubber", "electronic-components"),
        ),
        CountryData(
            "MY",
            ("Kuala Lumpur", "Penang", "Johor Bahru", "Shah Alam", "Ipoh"),
            ("Harimau", "Seri", "Bintang", "Tan", "Lim", "Wong", "Permata", "Merdeka"),
            ("Sdn. Bhd.", "Bhd."),
            ("electronic-components", "plastics-rubber", "medical-devices", "furniture"),
        ),
        CountryData(
            "PL",
            ("Warsaw", "Poznan", "Wroclaw", "Lodz", "Gdansk", "Krakow"),
            ("Kowalski", "Nowak", "Wisla", "Baltyk", "Mazur", "Zielinski", "Polmet", "Tatra"),
            ("Sp. z o.o.", "S.A."),
            ("furniture", "glassware", "auto-parts", "food-beverages"),
        ),
        CountryData(
            "KR",
            ("Seoul", "Busan", "Incheon", "Daegu", "Suwon", "Changwon"),
            ("Hanil", "Daesung", "Samhwa", "Kim", "Park", "Hanbit", "Seohae", "Dongyang"),
            ("Co., Ltd.", "Corporation"),
            ("electronic-components", "cosmetics-personal-care", "auto-parts", "machinery"),
        ),
        CountryData(
            "ES",
            ("Madrid", "Barcelona", "Valencia", "Castellon", "Seville", "Bilbao"),
            ("Iberica", "Garcia", "Fernandez", "Levante", "Mediterraneo", "Navarro", "Cantabrica"),
            ("S.L.", "S.A."),
            ("ceramics", "food-beverages", "footwear", "chemicals"),
        ),
        CountryData(
            "PK",
            ("Karachi", "Lahore", "Sialkot", "Faisalabad"),
            ("Indus", "Khan", "Ravi", "Chenab", "Punjab", "Qureshi", "Crescent"),
            ("(Pvt.) Ltd.", "Industries (Pvt.) Ltd."),
            ("sporting-goods", "textiles", "home-textiles", "medical-devices", "garments"),
        ),
        CountryData(
            "ID",
            ("Jakarta", "Surabaya", "Bandung", "Semarang", "Batam"),
            ("Nusantara", "Sinar", "Mitra", "Garuda", "Jaya", "Sentosa", "Makmur"),
            ("PT",),  # a prefix: "PT Sinar Garment"
            ("furniture", "footwear", "garments", "food-beverages"),
        ),
        CountryData(
            "US",
            (
                "New York",
                "Los Angeles",
                "Chicago",
                "Houston",
                "Miami",
                "Atlanta",
                "Dallas",
                "Seattle",
                "Newark",
                "Columbus",
                "Denver",
                "Phoenix",
            ),
            (
                "Summit",
                "Harbor",
                "Keystone",
                "Liberty",
                "Pioneer",
                "Redwood",
                "Atlas",
                "Bluewater",
                "Lakeside",
                "Cornerstone",
                "Evergreen",
                "Northstar",
                "Miller",
                "Walker",
                "Bennett",
            ),
            ("Inc.", "LLC", "Corp."),
        ),
        CountryData(
            "GB",
            ("London", "Manchester", "Birmingham", "Leeds", "Glasgow", "Bristol", "Felixstowe"),
            (
                "Thames",
                "Pennine",
                "Albion",
                "Whitfield",
                "Harrington",
                "Crown",
                "Kingsway",
                "Ashford",
                "Marlow",
                "Hartley",
            ),
            ("Ltd", "Limited", "PLC"),
        ),
        CountryData(
            "FR",
            ("Paris", "Lyon", "Marseille", "Lille", "Bordeaux", "Toulouse", "Nantes"),
            ("Dubois", "Laurent", "Moreau", "Lefebvre", "Rhone", "Atlantique", "Garonne", "Provence"),
            ("SAS", "SARL", "SA"),
        ),
        CountryData(
            "NL",
            ("Rotterdam", "Amsterdam", "Eindhoven", "Utrecht", "Venlo"),
            ("de Vries", "Jansen", "van Dijk", "Holland", "Maas", "Zeeland", "Oranje"),
            ("B.V.",),
        ),
        CountryData(
            "CA",
            ("Toronto", "Vancouver", "Montreal", "Calgary", "Mississauga"),
            ("Maple", "Great Lakes", "Laurentian", "Tremblay", "Northern", "Pacific Rim", "Boreal"),
            ("Inc.", "Ltd."),
        ),
        CountryData(
            "BR",
            ("Sao Paulo", "Rio de Janeiro", "Curitiba", "Belo Horizonte", "Porto Alegre", "Itajai"),
            ("Silva", "Santos", "Oliveira", "Paulista", "Atlantico", "Amazonia", "Costa"),
            ("Ltda.", "S.A."),
        ),
        CountryData(
            "CL",
            ("Santiago", "Valparaiso", "Concepcion"),
            ("Andes", "Pacifico Sur", "Munoz", "Rojas", "Austral"),
            ("SpA", "Ltda."),
        ),
        CountryData(
            "CO",
            ("Bogota", "Medellin", "Cali", "Barranquilla"),
            ("Andina", "Caribe", "Gomez", "Restrepo", "Cafetera"),
            ("S.A.S.",),
        ),
        CountryData(
            "AR",
            ("Buenos Aires", "Rosario", "Cordoba"),
            ("Pampa", "Plata", "Fernandez", "Gonzalez", "Patagonia"),
            ("S.A.", "S.R.L."),
        ),
        CountryData(
            "AU",
            ("Sydney", "Melbourne", "Brisbane", "Perth", "Adelaide"),
            ("Southern Cross", "Outback", "Coral", "Murray", "Wattle", "Kingsford", "Harbourside"),
            ("Pty Ltd",),
        ),
        CountryData(
            "JP",
            ("Tokyo", "Osaka", "Nagoya", "Yokohama", "Fukuoka", "Kobe"),
            ("Sakura", "Yamato", "Fuji", "Tanaka", "Suzuki", "Nippon", "Kawasaki Shoji", "Hoshi"),
            ("Co., Ltd.", "K.K.", "Corporation"),
        ),
        CountryData(
            "AE",
            ("Dubai", "Sharjah", "Abu Dhabi", "Ajman"),
            ("Al Noor", "Gulf", "Al Futtaim", "Emirates", "Al Mansoori", "Desert Rose", "Falcon"),
            ("LLC", "FZE", "FZCO", "General Trading LLC"),
        ),
        CountryData(
            "SA",
            ("Riyadh", "Jeddah", "Dammam"),
            ("Al Rashid", "Najd", "Al Qahtani", "Hejaz", "Al Otaibi", "Red Sea"),
            ("Co.", "Est."),
        ),
        CountryData(
            "EG",
            ("Cairo", "Alexandria", "Port Said"),
            ("Nile", "Delta", "El Sayed", "Pharaoh", "Misr"),
            ("S.A.E.", "LLC"),
        ),
        CountryData(
            "NG",
            ("Lagos", "Kano", "Abuja", "Onitsha", "Port Harcourt"),
            ("Adeyemi", "Okafor", "Niger Delta", "Eko", "Savannah", "Ogun"),
            ("Ltd", "Nigeria Ltd"),
        ),
        CountryData(
            "KE",
            ("Nairobi", "Mombasa", "Kisumu"),
            ("Kilima", "Savanna", "Mombasa Coast", "Kamau", "Tsavo"),
            ("Ltd", "Limited"),
        ),
        CountryData(
            "ZA",
            ("Johannesburg", "Cape Town", "Durban", "Pretoria"),
            ("Protea", "Highveld", "Cape", "Naidoo", "Van der Merwe", "Karoo"),
            ("(Pty) Ltd",),
        ),
        CountryData(
            "RU",
            ("Moscow", "Saint Petersburg", "Novosibirsk", "Yekaterinburg", "Kazan"),
            ("Volga", "Ural", "Sibir", "Ivanov", "Neva", "Baikal"),
            ("LLC", "JSC"),
        ),
        CountryData(
            "SG",
            ("Singapore",),
            ("Lion City", "Merlion", "Straits", "Tan", "Raffles", "Orchard"),
            ("Pte. Ltd.",),
        ),
        CountryData(
            "PH",
            ("Manila", "Cebu", "Davao", "Quezon City"),
            ("Luzon", "Visayas", "Santos", "Reyes", "Mabuhay"),
            ("Inc.", "Corporation"),
        ),
    )
}

# Regions buyers sell into and suppliers export to, in both languages.
MARKETS: tuple[tuple[str, str], ...] = (
    ("Europe", "欧洲"),
    ("North America", "北美"),
    ("the Middle East", "中东"),
    ("Africa", "非洲"),
    ("Southeast Asia", "东南亚"),
    ("Latin America", "拉丁美洲"),
    ("Oceania", "大洋洲"),
    ("Japan and Korea", "日韩"),
    ("Central Asia", "中亚"),
)

CERTIFICATES: tuple[str, ...] = (
    "ISO 9001",
    "ISO 14001",
    "CE",
    "UL",
    "RoHS",
    "BSCI",
    "OEKO-TEX",
    "FDA",
    "SGS",
)

BUYER_CHANNELS: tuple[str, ...] = (
    "retail chains",
    "online marketplaces",
    "hardware stores",
    "department stores",
    "project contractors",
    "supermarkets",
    "independent shops",
    "B2B distributors",
)

# The fair's venue and its halls, by area.
VENUE = "Pazhou International Trade Fair Complex"
VENUE_ZH = "琶洲国际贸易展览中心"
VENUE_CITY = "Guangzhou"
HALL_AREAS: tuple[tuple[str, str, str], ...] = (
    ("A", "Area A", "A区"),
    ("B", "Area B", "B区"),
    ("C", "Area C", "C区"),
)

# The demo roles; all of them sign in with DEMO_PASSWORD.
DEMO_DOMAIN = "demo.trustfair.test"
DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - documented demo password, seeded only by seed_demo
# Fixed TOTP secrets (base32) for the demo staff; `manage.py demo_totp EMAIL` prints the current code.
DEMO_TOTP_SECRETS: dict[str, str] = {
    f"risk@{DEMO_DOMAIN}": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
    f"operator@{DEMO_DOMAIN}": "KRUHK4TUMFUXELLEMVWW6LLPOBSXEYLU",
}

# Wagtail pages, in English and Simplified Chinese. Body paragraphs are rich text (HTML).
HOME_PAGE = {
    "en": {
        "title": "TrustFair",
        "hero_title": "Meet verified suppliers all year round",
        "hero_text": (
            "TrustFair keeps the fair's exhibitors and buyers trading between sessions: search verified "
            "companies, share private showcases, meet at the booth or online, and run every deal on one "
            "recorded trade chain."
        ),
        "hero_cta_label": "Browse suppliers",
        "hero_cta_url": "/companies/?role=supplier",
    },
    "zh-hans": {
        "title": "TrustFair 信贸展",
        "hero_title": "全年对接经过认证的供应商",
        "hero_text": (
            "TrustFair 让展会的展商与采购商在两届展会之间持续交易：搜索经过认证的企业，分享私享展厅，"
            "在展位或线上洽谈，并在同一条可追溯的交易链上完成每一笔交易。"
        ),
        "hero_cta_label": "浏览供应商",
        "hero_cta_url": "/companies/?role=supplier",
    },
}

NEWS_INDEX_PAGE = {
    "slug": "news",
    "en": {"title": "News", "intro": "<p>Fair announcements, market notes and platform changes.</p>"},
    "zh-hans": {"title": "新闻", "intro": "<p>展会公告、市场动态与平台更新。</p>"},
}


class Article(NamedTuple):
    slug: str
    days_ago: int
    title: str
    intro: str
    body: tuple[str, ...]
    title_zh: str
    intro_zh: str
    body_zh: tuple[str, ...]


NEWS: tuple[Article, ...] = (
    Article(
        "exhibitor-registration-opens",
        4,
        "Exhibitor registration opens for the next session",
        "Suppliers can now apply for booths in all three phases; verified companies are reviewed first.",
        (
            "Applications for the next session are open until four weeks before phase one. Booth allocation "
            "follows the industry of each phase, and companies whose business licence is verified on TrustFair "
            "are reviewed first.",
            "Upload your business licence and export licence in the company portal to get verified before you "
            "apply.",
        ),
        "下一届展会展商报名开启",
        "供应商现可申请三期展位；已认证企业优先审核。",
        (
            "下一届展会报名截至第一期开幕前四周。展位按各期行业分配，营业执照已在 TrustFair 认证的企业优先审核。",
            "请在企业门户上传营业执照和出口许可证，在报名前完成认证。",
        ),
    ),
    Article(
        "private-showcases",
        17,
        "Private showcases: show new products to chosen buyers only",
        "A supplier can now send a private selection of products to named buyers and see who opened it.",
        (
            "Private showcases let a supplier present new or custom products to the buyers it chooses, without "
            "publishing them in the open catalogue.",
            "Each invited buyer gets a personal link; the supplier sees when the showcase was viewed and can "
            "answer inquiries from it directly.",
        ),
        "私享展厅：只向指定采购商展示新品",
        "供应商可将精选产品私下推送给指定采购商，并查看谁已浏览。",
        (
            "私享展厅让供应商向自己选择的采购商展示新品或定制产品，而无需在公开目录中发布。",
            "每位受邀采购商都会收到专属链接；供应商可查看展厅的浏览情况，并直接回复由此产生的询盘。",
        ),
    ),
    Article(
        "credit-index-pilot",
        39,
        "Credit index pilot with partner banks and insurers",
        "Trade, insurance and participation records now feed one credit index per company.",
        (
            "The TrustFair credit index scores each company from 0 to 1000 using its recorded trade, export "
            "credit insurance and fair participation.",
            "During the pilot, partner banks use the index to pre-qualify suppliers for order financing, and "
            "buyers see a supplier's grade on its profile.",
        ),
        "携手合作银行与保险机构试点信用指数",
        "交易、保险与参展记录现已汇入每家企业的信用指数。",
        (
            "TrustFair 信用指数依据企业有记录的交易、出口信用保险和参展情况，给出 0 至 1000 的评分。",
            "试点期间，合作银行以该指数对供应商进行订单融资预审，采购商可在供应商主页查看其信用等级。",
        ),
    ),
    Article(
        "faster-verification",
        74,
        "Company verification now takes two working days",
        "Operators review business licences within two working days, and tell you exactly what is missing.",
        (
            "Every document you upload is checked by its content, not its file name, and reviewed by an "
            "operator. A rejection always comes with a reason.",
            "Verified companies get a badge in the directory and on their profile.",
        ),
        "企业认证缩短至两个工作日",
        "运营人员将在两个工作日内审核营业执照，并明确告知缺少的材料。",
        (
            "您上传的每份文件都会按内容而非文件名进行检查，并由运营人员审核。被驳回时一定会附上原因。",
            "通过认证的企业将在企业名录和企业主页上显示认证标识。",
        ),
    ),
    Article(
        "last-session-in-review",
        196,
        "The last session in review",
        "Three phases, twelve halls and buyers from every continent: what the last session brought.",
        (
            "Over three phases the halls of the Pazhou International Trade Fair Complex hosted machinery and "
            "electronics, then consumer goods and building materials, then textiles, garments and health "
            "products.",
            "Meetings booked on TrustFair before the fair were twice as likely to lead to a quotation.",
        ),
        "上届展会回顾",
        "三期展览、十二个展馆、来自各大洲的采购商：上届展会成果一览。",
        (
            "琶洲国际贸易展览中心分三期先后展出机械与电子、日用消费品与建材、纺织服装与健康产品。",
            "展前通过 TrustFair 预约的洽谈，促成报价的可能性高出一倍。",
        ),
    ),
)

HELP_PAGE = {
    "slug": "help",
    "en": {
        "title": "Help",
        "intro": "Answers to the questions buyers and suppliers ask most.",
        "body": (
            ("heading", "Finding suppliers"),
            (
                "paragraph",
                '<p>Open the <a href="/companies/">company directory</a> and filter by country, '
                "industry and role. Tick <b>Verified only</b> to see companies whose business "
                "licence an operator has checked.</p>",
            ),
            ("heading", "Getting your company verified"),
            (
                "paragraph",
                "<p>In the company portal, upload your business licence (PDF, JPEG or PNG). An "
                "operator reviews it, usually within two working days, and you are told the "
                "outcome and, if it is rejected, why.</p>",
            ),
            ("heading", "Signing in securely"),
            (
                "paragraph",
                "<p>Platform staff sign in with a password and a one-time code from an "
                "authenticator app. Company members can add the same second factor in their "
                "account settings.</p>",
            ),
        ),
    },
    "zh-hans": {
        "title": "帮助",
        "intro": "采购商和供应商最常问的问题。",
        "body": (
            ("heading", "查找供应商"),
            (
                "paragraph",
                '<p>打开<a href="/companies/">企业名录</a>，按国家、行业和角色筛选。勾选'
                "<b>仅显示已认证</b>，即可查看营业执照已由运营人员核验的企业。</p>",
            ),
            ("heading", "企业认证"),
            (
                "paragraph",
                "<p>在企业门户上传营业执照（PDF、JPEG 或 PNG）。运营人员通常在两个工作日内完成审核，"
                "并告知结果；如被驳回，会说明原因。</p>",
            ),
            ("heading", "安全登录"),
            (
                "paragraph",
                "<p>平台工作人员需使用密码和身份验证器应用生成的一次性验证码登录。企业成员也可在账户设置中"
                "启用同样的双重验证。</p>",
            ),
        ),
    },
}
