"""Pass numérique vouchers: schemes, booklets, a voucher's life, reimbursement claims and reports."""
