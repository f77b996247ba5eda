"""The chart of accounts of 小企业会计准则 seeded at init (the accounts this system posts to)."""

# code, name, category, normal side, parent
CHART = [
    ("1001", "库存现金", "asset", "debit", None),
    ("1002", "银行存款", "asset", "debit", None),
    ("1012", "其他货币资金", "asset", "debit", None),
    ("1101", "短期投资", "asset", "debit", None),
    ("1121", "应收票据", "asset", "debit", None),
    ("1122", "应收账款", "asset", "debit", None),
    ("1123", "预付账款", "asset", "debit", None),
    ("1131", "应收股利", "asset", "debit", None),
    ("1132", "应收利息", "asset", "debit", None),
    ("1221", "其他应收款", "asset", "debit", None),
    ("1403", "原材料", "asset", "debit", None),
    ("1405", "库存商品", "asset", "debit", None),
    ("1411", "周转材料", "asset", "debit", None),
    ("1501", "长期债券投资", "asset", "debit", None),
    ("1511", "长期股权投资", "asset", "debit", None),
    ("1601", "固定资产", "asset", "debit", None),
    ("1602", "累计折旧", "asset", "credit", None),
    ("1604", "在建工程", "asset", "debit", None),
    ("1701", "无形资产", "asset", "debit", None),
    ("1702", "累计摊销", "asset", "credit", None),
    ("1801", "长期待摊费用", "asset", "debit", None),
    ("1901", "待处理财产损溢", "asset", "debit", None),
    ("2001", "短期借款", "liability", "credit", None),
    ("2201", "应付票据", "liability", "credit", None),
    ("2202", "应付账款", "liability", "credit", None),
    ("2203", "预收账款", "liability", "credit", None),
    ("2211", "应付职工薪酬", "liability", "credit", None),
    ("2221", "应交税费", "liability", "credit", None),
    ("222101", "应交增值税", "liability", "credit", "2221"),
    ("22210101", "进项税额", "liability", "credit", "222101"),
    ("22210102", "销项税额", "liability", "credit", "222101"),
    ("2231", "应付利息", "liability", "credit", None),
    ("2232", "应付利润", "liability", "credit", None),
    ("2241", "其他应付款", "liability", "credit", None),
    ("2501", "长期借款", "liability", "credit", None),
    ("2701", "长期应付款", "liability", "credit", None),
    ("3001", "实收资本", "equity", "credit", None),
    ("3002", "资本公积", "equity", "credit", None),
    ("3101", "盈余公积", "equity", "credit", None),
    ("3103", "本年利润", "equity", "credit", None),
    ("3104", "利润分配", "equity", "credit", None),
    ("310401", "未分配利润", "equity", "credit", "3104"),
    # technical: the other side of every opening balance (期初), zero once they balance
    ("3999", "期初余额差额", "equity", "credit", None),
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
FINANCE_COSTS = "5603"  # 财务费用: a fund transfer's fee
# 结算账户: the GL account a new money account of each kind is a sub-account of, and the three
# money accounts every set of books starts with (code = their GL account's code)
MONEY_PARENTS = {"cash": CASH, "bank": BANK, "other": OTHER_MONEY}
SEEDED_MONEY_ACCOUNTS = [
    (CASH, "现金", "cash"),
    (BANK, "银行存款", "bank"),
    (OTHER_MONEY, "其他货币资金", "other"),
]
RECEIVABLE, PAYABLE = "1122", "2202"
INVENTORY, PENDING_PL = "1405", "1901"
INPUT_VAT, OUTPUT_VAT = "22210101", "22210102"
REVENUE, COGS = "5001", "5401"
PROFIT_THIS_YEAR, UNDISTRIBUTED_PROFIT = "3103", "310401"  # 本年利润, 利润分配—未分配利润
OPENING_DIFF = "3999"  # 期初余额差额: its balance is the difference of the opening balances
ADVANCE_PAID, ADVANCE_RECEIVED, TAX = "1123", "2203", "2221"
# accounts (and their sub-accounts) whose balance a subledger owns: stock, open items, the tax
# booked by documents; nobody types an amount into them
CONTROL_ACCOUNTS = (INVENTORY, RECEIVABLE, PAYABLE, ADVANCE_PAID, ADVANCE_RECEIVED, TAX)


def is_control(code: str) -> bool:
    """A control account or one of its sub-accounts, or the opening difference itself."""
    return code == OPENING_DIFF or code.startswith(CONTROL_ACCOUNTS)
