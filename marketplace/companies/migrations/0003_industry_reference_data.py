"""Reference data: the industries a company picks when it signs up, in English and Chinese.

A company's industry is required, so without these rows nobody can finish onboarding on a fresh
install. The list is written out here (a migration is a snapshot); the demo world's word lists in
companies/demo_data.py use the same slugs. Existing rows (a database seeded before this migration)
are kept as they are.
"""

from django.db import migrations

INDUSTRIES = (
    ('machinery', 'Industrial Machinery', '工业机械'),
    ('agricultural-machinery', 'Agricultural Machinery', '农业机械'),
    ('food-machinery', 'Food Processing Machinery', '食品机械'),
    ('hardware-tools', 'Hardware and Tools', '五金工具'),
    ('auto-parts', 'Auto Parts', '汽车配件'),
    ('motorcycles-ebikes', 'Motorcycles and E-bikes', '摩托车与电动自行车'),
    ('consumer-electronics', 'Consumer Electronics', '消费电子'),
    ('electronic-components', 'Electronic Components', '电子元器件'),
    ('computers-networking', 'Computers and Networking', '计算机与网络设备'),
    ('mobile-accessories', 'Mobile Phone Accessories', '手机配件'),
    ('home-appliances', 'Home Appliances', '家用电器'),
    ('led-lighting', 'LED Lighting', 'LED照明'),
    ('electrical-equipment', 'Electrical Equipment', '电气设备'),
    ('solar-energy', 'Solar and New Energy', '太阳能与新能源'),
    ('security-surveillance', 'Security and Surveillance', '安防监控'),
    ('building-materials', 'Building Materials', '建筑材料'),
    ('ceramics', 'Ceramics', '陶瓷'),
    ('bathroom-fittings', 'Bathroom and Sanitary Ware', '卫浴洁具'),
    ('furniture', 'Furniture', '家具'),
    ('home-textiles', 'Home Textiles', '家纺'),
    ('kitchenware', 'Kitchenware and Tableware', '厨具与餐具'),
    ('glassware', 'Glassware', '玻璃制品'),
    ('gifts-crafts', 'Gifts and Crafts', '礼品与工艺品'),
    ('outdoor-garden', 'Outdoor and Garden', '户外与园艺用品'),
    ('steel-products', 'Steel and Metal Products', '钢材与金属制品'),
    ('chemicals', 'Chemicals', '化工产品'),
    ('plastics-rubber', 'Plastics and Rubber Products', '塑料与橡胶制品'),
    ('packaging', 'Packaging and Printing', '包装与印刷'),
    ('textiles', 'Textiles and Fabrics', '纺织面料'),
    ('garments', 'Garments', '服装'),
    ('footwear', 'Footwear', '鞋类'),
    ('bags-luggage', 'Bags and Luggage', '箱包'),
    ('fashion-jewellery', 'Fashion Jewellery', '时尚饰品'),
    ('toys', 'Toys', '玩具'),
    ('baby-products', 'Baby and Maternity Products', '母婴用品'),
    ('sporting-goods', 'Sporting Goods', '体育用品'),
    ('stationery-office', 'Stationery and Office Supplies', '文具与办公用品'),
    ('medical-devices', 'Medical Devices and Supplies', '医疗器械与耗材'),
    ('cosmetics-personal-care', 'Cosmetics and Personal Care', '化妆品与个人护理'),
    ('pet-products', 'Pet Products', '宠物用品'),
    ('food-beverages', 'Food and Beverages', '食品饮料'),
)


def add_industries(apps, schema_editor):
    Industry = apps.get_model("companies", "Industry")
    existing = set(Industry.objects.values_list("slug", flat=True))
    Industry.objects.bulk_create(
        Industry(slug=slug, name=name, name_zh=name_zh) for slug, name, name_zh in INDUSTRIES if slug not in existing
    )


def remove_industries(apps, schema_editor):
    # Industries a company still works in are protected (PROTECT); only unused ones go.
    Industry = apps.get_model("companies", "Industry")
    Industry.objects.filter(slug__in=[slug for slug, _name, _zh in INDUSTRIES], companies__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("companies", "0002_company_name_index")]

    operations = [migrations.RunPython(add_industries, remove_industries)]
