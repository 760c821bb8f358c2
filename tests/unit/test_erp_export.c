/* test_erp_export.c - the ERP layouts' headers and rows, and a line's share
 * of its order's discount (as PostgreSQL's order_lines_discounted). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "features/erp_export.h"

static const struct erp_line line = {
	.order_id = 905,
	.order_date = "2027-03-02",
	.dealer_code = "D001",
	.dealer_name = "杭州西湖服飾",
	.style = "FW27-1001",
	.product_name = "羊毛大衣",
	.size = "M",
	.color = "黑色",
	.qty = 3,
	.price = 129900,
	.amount = 389700,
	.discount = 11691,
	.note = "=1+1",
	.currency = "CNY",
	.fair_id = 2,
};

static void test_u8(void **state)
{
	struct strbuf b;

	(void)state;
	strbuf_init(&b);
	assert_int_equal(erp_layout_parse("u8"), ERP_U8);
	erp_header(ERP_U8, &b);
	erp_row(ERP_U8, &line, &b);
	assert_string_equal(
		b.data,
		"\xEF\xBB\xBF"
		"订单号,订单日期,业务类型,销售类型,客户编码,客户简称,币种,汇率,"
		"存货编码,"
		"存货名称,规格型号,主计量单位,数量,含税单价,价税合计,折扣额,"
		"备注\r\n"
		"FAIR2-905,2027-03-02,普通销售,订货会,D001,杭州西湖服飾,CNY,1,"
		"FW27-1001-黑色-M,"
		"羊毛大衣,黑色/M,件,3,1299.00,3780.09,116.91,'=1+1\r\n");
	strbuf_free(&b);
}

static void test_gjp(void **state)
{
	struct strbuf b;

	(void)state;
	strbuf_init(&b);
	assert_int_equal(erp_layout_parse("guanjiapo"), ERP_GJP);
	assert_int_equal(erp_layout_parse("sap"), -1);
	erp_header(ERP_GJP, &b);
	erp_row(ERP_GJP, &line, &b);
	assert_non_null(strstr(
		b.data, "单据编号,录单日期,往来单位编号,往来单位名称,商品编号,"
			"商品名称,规格,颜色,尺码,单位,数量,单价,金额,折扣额,"
			"折后金额,备注\r\n"));
	assert_non_null(strstr(
		b.data,
		"FAIR2-905,2027-03-02,D001,杭州西湖服飾,FW27-1001-黑色-M,"
		"羊毛大衣,FW27-1001,黑色,M,件,3,1299.00,3897.00,"
		"116.91,3780.09,'=1+1\r\n"));
	strbuf_free(&b);
}

static void test_discount_shares_add_up(void **state)
{
	const int64_t amounts[] = {389700, 129900, 7, 500000, 1};
	int64_t total = 0, running = 0, sum = 0;

	(void)state;
	for (size_t i = 0; i < 5; i++)
		total += amounts[i];
	for (int64_t d = 0; d < 3000; d += 37) {
		running = 0;
		sum = 0;
		for (size_t i = 0; i < 5; i++) {
			int64_t s = erp_discount_share(d, total, running,
						       amounts[i]);

			assert_true(s >= 0);
			sum += s;
			running += amounts[i];
		}
		assert_int_equal(sum, d);
	}
	/* floor(100 × 389700 / 1019608) = 38 for the first line */
	assert_int_equal(erp_discount_share(100, 1019608, 0, 389700), 38);
	assert_int_equal(erp_discount_share(0, 1019608, 0, 389700), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_u8),
		cmocka_unit_test(test_gjp),
		cmocka_unit_test(test_discount_shares_add_up),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
