"""The chart of accounts of 小企业会计准则 seeded at init (the accounts this system posts to)."""

# code, name, category, normal side, parent
CHART = [
    ("1001", "库存现金", "asset", "debit", None),
    ("1002", "银行存款", "asset", "debit", None),
    ("1012", "其他货币资金", "asset", "debit", None),
    ("1122", "应收账款", "asset", "debit", None),
    ("1123", "预付账款", "asset", "debit", None),
    ("1221", "其他应收款", "asset", "debit", None),
    ("1405", "库存商品", "asset", "debit", None),
    ("1901", "待处理财产损溢", "asset", "debit", None),
    ("2202", "应付账款", "liability", "credit", None),
    ("2203", "预收账款", "liability", "credit", None),
    ("2221", "应交税费", "liability", "credit", None),
    ("222101", "应交增值税", "liability", "credit", "2221"),
    ("22210101", "进项税额", "liability", "credit", "222101"),
    ("22210102", "销项税额", "liability", "credit", "222101"),
    ("3103", "本年利润", "equity", "credit", None),
    ("3104", "利润分配", "equity", "credit", None),
    ("5001", "主营业务收入", "profit_loss", "credit", None),
    ("5051", "其他业务收入", "profit_loss", "credit", None),
    ("5301", "营业外收入", "profit_loss", "credit", None),
    ("5401", "主营业务成本", "profit_loss", "debit", None),
    ("5601", "销售费用", "profit_loss", "debit", None),
    ("5602", "管理费用", "profit_loss", "debit", None),
    ("5603", "财务费用", "profit_loss", "debit", None),
    ("5711", "营业外支出", "profit_loss", "debit", None),
]

CASH, BANK, OTHER_MONEY = "1001", "1002", "1012"
RECEIVABLE, PAYABLE = "1122", "2202"
INVENTORY, PENDING_PL = "1405", "1901"
INPUT_VAT, OUTPUT_VAT = "22210101", "22210102"
REVENUE, COGS = "5001", "5401"
