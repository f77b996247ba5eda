"""Chinese demo data: a trading company with two warehouses, ~30 items, partners and a month
of approved documents — all entered through the same services a user's clicks go through."""

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from openjxc.catalog.services import create_item
from openjxc.core.errors import DomainError
from openjxc.documents.services import create_draft, delete_draft
from openjxc.documents.types import INVENTORY, the_type, trade_types
from openjxc.inventory.services import create_warehouse
from openjxc.partners.services import create_partner
from openjxc.posting.engine import approve

# The types the demo posts, named by what they are (the registry owns their codes).
RECEIPT = trade_types("purchase")[0]  # (incoming, its return)
DELIVERY, RETURN = trade_types("sales")
TRANSFER = the_type(to_warehouse=True)
COUNT = the_type(counted=True)
ISSUE = the_type(  # 其他出库
    nav=INVENTORY,
    priced=False,
    counted=False,
    to_warehouse=False,
    assembled=None,
    transit_receipt=False,
    revalues=False,
)

ITEMS = [
    ("A001", "农夫山泉 550ml", "瓶", "1.20", "2.00"),
    ("A002", "康师傅红烧牛肉面", "袋", "2.10", "3.50"),
    ("A003", "可口可乐 330ml", "罐", "1.60", "2.50"),
    ("A004", "伊利纯牛奶 250ml", "盒", "2.30", "3.50"),
    ("A005", "金龙鱼大豆油 5L", "桶", "48.00", "65.00"),
    ("A006", "五常大米 10kg", "袋", "52.00", "79.00"),
    ("A007", "海天酱油 500ml", "瓶", "6.80", "9.90"),
    ("A008", "老干妈风味豆豉", "瓶", "7.20", "10.50"),
    ("A009", "旺旺雪饼 520g", "包", "11.50", "16.80"),
    ("A010", "奥利奥饼干", "盒", "6.40", "9.50"),
    ("A011", "蓝月亮洗衣液 3kg", "瓶", "29.00", "42.00"),
    ("A012", "清风抽纸 3层", "提", "14.50", "21.90"),
    ("A013", "舒肤佳香皂", "块", "3.20", "5.50"),
    ("A014", "高露洁牙膏", "支", "7.60", "12.00"),
    ("A015", "飘柔洗发水 400ml", "瓶", "19.80", "29.90"),
    ("A016", "王老吉 310ml", "罐", "2.40", "3.80"),
    ("A017", "青岛啤酒 500ml", "罐", "3.60", "5.50"),
    ("A018", "统一冰红茶", "瓶", "1.90", "3.00"),
    ("A019", "德芙巧克力", "块", "8.50", "12.90"),
    ("A020", "乐事薯片 70g", "包", "4.80", "7.50"),
    ("B001", "得力中性笔", "支", "0.95", "2.00"),
    ("B002", "晨光笔记本 A5", "本", "3.10", "5.80"),
    ("B003", "A4 复印纸 70g", "箱", "98.00", "135.00"),
    ("B004", "订书机", "个", "8.20", "15.00"),
    ("B005", "文件夹", "个", "2.60", "4.50"),
    ("C001", "公牛插座 3米", "个", "32.00", "49.00"),
    ("C002", "飞利浦 LED 灯泡", "个", "9.80", "16.00"),
    ("C003", "南孚电池 AA", "节", "1.80", "3.00"),
    ("C004", "小米充电宝", "个", "79.00", "119.00"),
    ("C005", "数据线 Type-C", "条", "6.50", "15.00"),
]
SUPPLIERS = [
    ("S001", "杭州娃哈哈食品批发"),
    ("S002", "广州日化供应链"),
    ("S003", "义乌文具城"),
    ("S004", "深圳电子配件"),
    ("S005", "上海粮油贸易"),
]
CUSTOMERS = [
    ("C001", "幸福超市"),
    ("C002", "好邻居便利店"),
    ("C003", "阳光小学小卖部"),
    ("C004", "城东五金店"),
    ("C005", "李记杂货铺"),
    ("C006", "永辉加盟店"),
    ("C007", "张三 (零售)"),
    ("C008", "光明社区团购"),
]


def load_demo(user, start: dt.date, days: int = 28, seed: int = 7) -> None:
    rng = random.Random(seed)
    create_warehouse(user, {"code": "WH1", "name": "主仓库"})
    create_warehouse(user, {"code": "WH2", "name": "门店仓"})
    for n, (code, name, unit, cost, price) in enumerate(ITEMS):
        create_item(
            user,
            {
                "code": code,
                "name": name,
                "unit": unit,
                "purchase_price": cost,
                "sale_price": price,
                "barcode": f"69{n + 10000000001:011d}",
                "safety_stock": "20",
                "tax_rate": "0.13" if code[0] != "A" or n % 3 else "0.09",
            },
        )
    for code, name in SUPPLIERS:
        create_partner(
            user, "supplier", {"code": code, "name": name, "phone": "0571-8888" + code[-3:]}
        )
    for code, name in CUSTOMERS:
        create_partner(user, "customer", {"code": code, "name": name, "credit_limit": "50000"})
    today = timezone.localdate()
    last = min(today, start + dt.timedelta(days=days))
    span = max((last - start).days, 0)

    def post(data):
        doc, _ = create_draft(user, data)
        try:
            approve(user, doc["number"])
        except DomainError:
            delete_draft(user, doc["number"])
            raise
        return doc

    # Opening purchases stock both warehouses on the first day.
    for s_code, _ in SUPPLIERS:
        lines = [
            {"item": c, "qty": str(rng.randrange(100, 300)), "price": cost}
            for c, _, _, cost, _ in ITEMS
            if rng.random() < 0.45
        ]
        post(
            {
                "type": RECEIPT,
                "date": str(start),
                "partner": s_code,
                "warehouse": "WH1",
                "lines": lines,
            }
        )
    post(
        {
            "type": TRANSFER,
            "date": str(start),
            "warehouse": "WH1",
            "to_warehouse": "WH2",
            "lines": [{"item": c, "qty": "20"} for c, *_ in ITEMS[:10]],
        }
    )
    deliveries = []
    for day in range(span + 1):
        date = str(start + dt.timedelta(days=day))
        for _ in range(rng.randrange(1, 4)):
            lines = []
            for c, _, _, _, price in rng.sample(ITEMS, rng.randrange(1, 5)):
                lines.append({"item": c, "qty": str(rng.randrange(1, 12)), "price_incl_tax": price})
            try:
                deliveries.append(
                    post(
                        {
                            "type": DELIVERY,
                            "date": date,
                            "partner": rng.choice(CUSTOMERS)[0],
                            "warehouse": rng.choice(["WH1", "WH1", "WH2"]),
                            "lines": lines,
                        }
                    )
                )
            except DomainError:  # demo data skips a sale the stock cannot cover, as a clerk would
                continue
        if day % 7 == 3:
            c, _, _, cost, _ = rng.choice(ITEMS)
            post(
                {
                    "type": RECEIPT,
                    "date": date,
                    "partner": rng.choice(SUPPLIERS)[0],
                    "warehouse": "WH1",
                    "lines": [
                        {"item": c, "qty": "120", "price": str(Decimal(cost) * Decimal("1.02"))}
                    ],
                }
            )
    if deliveries:
        d = deliveries[len(deliveries) // 2]
        ln = d["lines"][0]
        post(
            {
                "type": RETURN,
                "date": str(last),
                "partner": d["partner"],
                "warehouse": d["warehouse"],
                "source": d["number"],
                "lines": [
                    {"item": ln["item"], "qty": "1", "price": ln["price"], "source_line": ln["id"]}
                ],
            }
        )
    post(
        {
            "type": ISSUE,
            "date": str(last),
            "warehouse": "WH1",
            "memo": "样品领用",
            "lines": [{"item": "A009", "qty": "2"}],
        }
    )
    post(
        {
            "type": COUNT,
            "date": str(last),
            "warehouse": "WH2",
            "memo": "月末盘点",
            "lines": [{"item": "A001", "qty": "15"}],
        }
    )
    # One draft waiting for approval, as in a real shop.
    create_draft(
        user,
        {
            "type": RECEIPT,
            "date": str(last),
            "partner": "S001",
            "warehouse": "WH1",
            "lines": [{"item": "A001", "qty": "200", "price": "1.20"}],
        },
    )
    # One user per role (password demo1234), to see what each role may do and see.
    from openjxc.users.admin import create_user

    for username, role, warehouses in (
        ("laoban", "老板", []),
        ("caigou", "采购", []),
        ("xiaoshou", "销售", []),
        ("kuguan", "库管", ["WH2"]),
        ("caiwu", "财务", []),
    ):
        create_user(
            user,
            {
                "username": username,
                "password": "demo1234",
                "roles": [role],
                "warehouses": warehouses,
            },
        )
