/* erp_export.c - the U8+ and 管家婆 layouts (see erp_export.h). */
#include "features/erp_export.h"

#include <stdio.h>
#include <string.h>

#include "base/csv.h"

int erp_layout_parse(const char *name)
{
	if (!name)
		return -1;
	if (!strcmp(name, "u8") || !strcmp(name, "yonyou"))
		return ERP_U8;
	if (!strcmp(name, "gjp") || !strcmp(name, "guanjiapo"))
		return ERP_GJP;
	return -1;
}

/* 用友U8+ 销售订单: the header's fields repeated on each of its lines. */
static const char *const u8_columns[] = {
	"订单号", "订单日期", "业务类型", "销售类型", "客户编码", "客户简称",
	"币种",   "汇率",     "存货编码", "存货名称", "规格型号", "主计量单位",
	"数量",   "含税单价", "价税合计", "折扣额",   "备注",
};

/* 管家婆 销售订单 */
static const char *const gjp_columns[] = {
	"单据编号", "录单日期", "往来单位编号", "往来单位名称",
	"商品编号", "商品名称", "规格",         "颜色",
	"尺码",     "单位",     "数量",         "单价",
	"金额",     "折扣额",   "折后金额",     "备注",
};

void erp_header(enum erp_layout layout, struct strbuf *out)
{
	const char *const *cols = layout == ERP_U8 ? u8_columns : gjp_columns;
	size_t n = layout == ERP_U8
			   ? sizeof u8_columns / sizeof u8_columns[0]
			   : sizeof gjp_columns / sizeof gjp_columns[0];

	strbuf_addstr(out, CSV_UTF8_BOM);
	for (size_t i = 0; i < n; i++)
		csv_text(out, cols[i], i == 0);
	csv_end_row(out);
}

void erp_row(enum erp_layout layout, const struct erp_line *l,
	     struct strbuf *out)
{
	char number[64], sku[200], spec[120];

	/* the order's number in the ERP: the fair's and ours */
	snprintf(number, sizeof number, "FAIR%lld-%lld", (long long)l->fair_id,
		 (long long)l->order_id);
	snprintf(sku, sizeof sku, "%s-%s-%s", l->style, l->color, l->size);
	if (layout == ERP_U8) {
		snprintf(spec, sizeof spec, "%s/%s", l->color, l->size);
		csv_text(out, number, true);
		csv_text(out, l->order_date, false);
		csv_text(out, "普通销售", false);
		csv_text(out, "订货会", false);
		csv_text(out, l->dealer_code, false);
		csv_text(out, l->dealer_name, false);
		csv_text(out, l->currency, false);
		csv_text(out, "1", false);
		csv_text(out, sku, false);
		csv_text(out, l->product_name, false);
		csv_text(out, spec, false);
		csv_text(out, "件", false);
		csv_int(out, l->qty, false);
		csv_money(out, l->price, false);
		csv_money(out, l->amount - l->discount, false);
		csv_money(out, l->discount, false);
		csv_text(out, l->note, false);
	} else {
		csv_text(out, number, true);
		csv_text(out, l->order_date, false);
		csv_text(out, l->dealer_code, false);
		csv_text(out, l->dealer_name, false);
		csv_text(out, sku, false);
		csv_text(out, l->product_name, false);
		csv_text(out, l->style, false);
		csv_text(out, l->color, false);
		csv_text(out, l->size, false);
		csv_text(out, "件", false);
		csv_int(out, l->qty, false);
		csv_money(out, l->price, false);
		csv_money(out, l->amount, false);
		csv_money(out, l->discount, false);
		csv_money(out, l->amount - l->discount, false);
		csv_text(out, l->note, false);
	}
	csv_end_row(out);
}

int64_t erp_discount_share(int64_t discount, int64_t total,
			   int64_t running_before, int64_t amount)
{
	if (discount <= 0 || total <= 0)
		return 0;
	/* products fit: discount <= total < 2^47 in practice (minor units) */
	return (int64_t)((__int128)discount * (running_before + amount) /
			 total) -
	       (int64_t)((__int128)discount * running_before / total);
}
