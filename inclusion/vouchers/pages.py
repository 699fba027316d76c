VOUCHER_PAGES: list = []
