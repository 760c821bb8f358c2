/* demo_data.c - the demo brand's catalogue, colours, regions, dealers and
 * staff (see demo_data.h). */
#include "fairctl/demo_data.h"

#include <stdio.h>
#include <string.h>

#define S4 "S|M|L|XL"
#define PACK4 "S:1|M:2|L:2|XL:1"

const struct demo_product demo_products[] = {
	/* 外套 */
	{"QH27S-1001", SHAPE_COAT, F_LONG | F_BELT | F_DOUBLE | F_LAPELS,
	 "外套", "双排扣风衣外套", "Double-Breasted Trench Coat",
	 "经典双排扣设计，防泼水棉质斜纹布，附可拆卸腰带，春秋通勤首选。",
	 "A classic double-breasted trench in water-repellent cotton "
	 "gabardine with a detachable belt: the commuter's spring and autumn "
	 "staple.",
	 1299, 1099, S4, "驼色|黑色|卡其", 3000, NULL, 0, 0, false, true,
	 false},
	{"QH27S-1002", SHAPE_COAT, F_LONG | F_LAPELS, "外套",
	 "羊毛混纺长款大衣外套", "Wool-Blend Long Overcoat",
	 "七成羊毛混纺面料，落肩廓形，暗扣门襟，保暖又有型。",
	 "A 70% wool blend with dropped shoulders and a concealed placket: "
	 "warm, clean and sharp.",
	 1999, 1699, S4, "驼色|燕麦色|藏青", 2500, NULL, 0, 0, false, true,
	 true},
	{"QH27S-1003", SHAPE_JACKET, F_DENIM | F_COLLAR, "外套",
	 "水洗牛仔夹克外套", "Washed Denim Jacket",
	 "12盎司纯棉牛仔布，复古水洗，金属纽扣与双胸袋。",
	 "12 oz cotton denim with a vintage wash, metal buttons and twin "
	 "chest pockets.",
	 599, 499, S4, "牛仔蓝|浅蓝|黑色", 3000, NULL, 0, 0, false, false,
	 false},
	{"QH27S-1004", SHAPE_PUFFER, F_QUILT, "外套", "轻薄羽绒外套",
	 "Lightweight Down Jacket",
	 "90%白鸭绒填充，轻盈可收纳，防风面料，附收纳袋。",
	 "Filled with 90% white duck down: packable, with a windproof shell "
	 "and a stuff sack.",
	 899, 759, "S|M|L|XL|XXL", "黑色|藏青|军绿|酒红", 3000, NULL, 0, 0,
	 false, true, true},
	{"QH27S-1005", SHAPE_JACKET, F_LAPELS, "外套", "休闲西装外套",
	 "Relaxed Blazer", "微弹西装面料，半里结构，单排两粒扣，正装休闲皆宜。",
	 "Soft-stretch suiting, half-lined, single-breasted with two buttons; "
	 "dresses up or down.",
	 999, 849, S4, "黑色|灰色|米色", 2500, NULL, 0, 0, false, false, false},
	{"QH27S-1006", SHAPE_PUFFER, F_QUILT | F_HOOD | F_LONG, "外套",
	 "连帽长款羽绒外套", "Hooded Long Down Coat",
	 "过膝长度，可拆连帽，防泼水面料，北方冬季必备。",
	 "Knee-length, with a detachable hood and a water-repellent shell: "
	 "built for northern winters.",
	 1699, 1499, S4, "黑色|奶白|驼色", 2000, NULL, 0, 0, false, false,
	 true},
	{"QH27S-1007", SHAPE_JACKET, F_COLLAR | F_CROPPED, "外套",
	 "防风教练夹克外套", "Windproof Coach Jacket",
	 "尼龙防风面料，按扣门襟，下摆抽绳可调。",
	 "A nylon windbreaker with a snap front and an adjustable drawcord "
	 "hem.",
	 459, 389, S4, "黑色|藏青|卡其|橙色", 3000, NULL, 0, 0, false, false,
	 false},
	{"QH27S-1008", SHAPE_COAT, F_LONG | F_LAPELS | F_DOUBLE, "外套",
	 "限量手工双面呢大衣外套", "Limited Handmade Double-Face Coat",
	 "设计师限量款，双面羊毛羊绒呢手工缝制，每色仅少量供应，售完即止。",
	 "A designer limited edition in hand-finished double-face wool and "
	 "cashmere; very few per colour, and gone when they are gone.",
	 3999, 3599, "S|M|L", "驼色|黑色", 8, NULL, 0, 2, false, false, false},

	/* 裤 */
	{"QH27S-2001", SHAPE_TROUSERS, F_DENIM, "裤", "经典直筒牛仔裤",
	 "Classic Straight Jeans",
	 "中腰直筒版型，弹力牛仔布，久穿不变形，四季百搭。",
	 "A mid-rise straight leg in stretch denim that keeps its shape, "
	 "all year round.",
	 399, 339, "27|28|29|30|31|32|34", "牛仔蓝|浅蓝|黑色", 4000, NULL, 3, 0,
	 true, true, false},
	{"QH27S-2002", SHAPE_TROUSERS, F_WIDE, "裤", "高腰阔腿西裤",
	 "High-Rise Wide-Leg Trousers",
	 "垂感西装面料，高腰设计拉长比例，裤脚自然垂坠。",
	 "Fluid suiting with a high waist that lengthens the line and a "
	 "softly falling hem.",
	 459, 389, "XS|S|M|L|XL", "黑色|米色|灰色", 3000, NULL, 0, 0, false,
	 false, false},
	{"QH27S-2003", SHAPE_TROUSERS, 0, "裤", "修身休闲卡其裤", "Slim Chinos",
	 "棉质斜纹布，修身锥形裤脚，商务休闲皆宜。",
	 "Cotton twill with a slim tapered leg, smart enough for the office.",
	 329, 279, "28|30|32|34|36", "卡其|藏青|黑色|米色", 3000, NULL, 0, 0,
	 false, true, true},
	{"QH27S-2004", SHAPE_TROUSERS, F_CUFFED | F_HEATHER, "裤",
	 "束脚运动卫裤", "Cuffed Jogger Pants",
	 "毛圈棉面料，抽绳腰头，罗纹束脚，舒适百搭。",
	 "Loopback cotton with a drawcord waist and ribbed cuffs.", 259, 219,
	 S4, "麻灰|黑色|藏青", 3000, PACK4, 0, 0, false, false, false},
	{"QH27S-2005", SHAPE_SHORTS, 0, "裤", "亚麻混纺短裤",
	 "Linen-Blend Shorts", "亚麻棉混纺，透气清爽，松紧腰头，夏日度假必备。",
	 "Breathable linen and cotton with an elastic waist, made for summer "
	 "days off.",
	 229, 189, S4, "米色|白色|军绿", 3000, NULL, 0, 0, false, false, false},
	{"QH27S-2006", SHAPE_TROUSERS, F_DENIM | F_WIDE, "裤", "宽松阔腿牛仔裤",
	 "Wide-Leg Jeans", "高腰宽松廓形，复古做旧水洗，长度及地。",
	 "High-rise, relaxed and floor-length, in a vintage worn wash.", 429,
	 369, "25|26|27|28|29|30", "浅蓝|牛仔蓝", 3000, NULL, 0, 0, false,
	 false, false},
	{"QH27S-2007", SHAPE_SHORTS, F_DENIM, "裤", "毛边牛仔短裤",
	 "Frayed Denim Shorts", "毛边裤脚，微弹牛仔布，夏季热卖款。",
	 "Frayed hems in soft-stretch denim: a summer best-seller.", 199, 169,
	 "25|26|27|28|29", "浅蓝|白色", 3000, NULL, 0, 0, false, false, false},

	/* 连衣裙 */
	{"QH27S-3001", SHAPE_DRESS, F_FLORAL | F_VNECK | F_SHORT_SLEEVE,
	 "连衣裙", "碎花雪纺连衣裙", "Floral Chiffon Midi Dress",
	 "轻盈雪纺印花，V领收腰，裙摆飘逸，约会出游首选。",
	 "Light printed chiffon with a V neck, a nipped waist and a floating "
	 "hem.",
	 499, 429, "XS|S|M|L", "藕粉|雾蓝", 3000, NULL, 0, 0, false, true,
	 false},
	{"QH27S-3002", SHAPE_DRESS, F_COLLAR | F_BELT | F_SHORT_SLEEVE,
	 "连衣裙", "棉质衬衫连衣裙", "Cotton Shirt Dress",
	 "府绸棉衬衫领设计，附同色腰带，通勤休闲两相宜。",
	 "Cotton poplin with a shirt collar and a self belt, easy from desk "
	 "to weekend.",
	 459, 389, S4, "白色|天蓝|卡其", 3000, NULL, 0, 0, false, false, false},
	{"QH27S-3003", SHAPE_DRESS, F_LONG_SLEEVE | F_HIGH_NECK, "连衣裙",
	 "罗纹针织修身连衣裙", "Fitted Rib-Knit Dress",
	 "罗纹针织，修身显瘦，弹性好，秋冬可内搭大衣。",
	 "A rib knit that fits close and stretches well; layers under coats "
	 "in winter.",
	 399, 339, "XS|S|M|L", "黑色|驼色|酒红", 3000, NULL, 0, 0, false, false,
	 true},
	{"QH27S-3004", SHAPE_DRESS, F_SQUARE_NECK | F_LONG_SLEEVE, "连衣裙",
	 "法式方领长袖连衣裙", "French Square-Neck Dress",
	 "方领泡泡袖，高腰A字裙摆，浪漫法式风格。",
	 "A square neck, puff sleeves and a high-waisted A-line skirt: "
	 "romantically French.",
	 599, 509, "XS|S|M|L", "米色|黑色|雾蓝", 3000, NULL, 0, 0, false, true,
	 false},
	{"QH27S-3005", SHAPE_DRESS, F_STRAPS | F_SATIN | F_LONG, "连衣裙",
	 "缎面吊带连衣裙", "Satin Slip Dress",
	 "光泽缎面，可调节肩带，斜裁垂坠，可单穿可叠搭。限量供应。",
	 "Lustrous satin with adjustable straps and a bias cut; wear it alone "
	 "or layered. Limited quantities.",
	 459, 399, "XS|S|M|L", "香芋紫|黑色|奶白", 15, NULL, 0, 3, false, false,
	 false},
	{"QH27S-3006", SHAPE_DRESS, F_STRIPES | F_SLEEVELESS, "连衣裙",
	 "条纹亚麻连衣裙", "Striped Linen Sundress",
	 "亚麻混纺条纹布，无袖宽松版型，清爽透气。",
	 "Striped linen blend, sleeveless and easy-fitting, cool on hot "
	 "days.",
	 429, 369, "XS|S|M|L", "藏青|红色", 3000, NULL, 0, 0, false, false,
	 false},
	{"QH27S-3007", SHAPE_DRESS, F_DOTS | F_VNECK | F_SHORT_SLEEVE, "连衣裙",
	 "波点茶歇连衣裙", "Polka-Dot Tea Dress",
	 "经典波点印花，V领茶歇裙设计，收腰显瘦。",
	 "A classic polka-dot print in a V-neck tea-dress cut with a defined "
	 "waist.",
	 529, 449, "XS|S|M|L", "黑色|藏青", 3000, NULL, 0, 0, false, false,
	 false},

	/* T恤 */
	{"QH27S-4001", SHAPE_TSHIRT, 0, "T恤", "纯棉圆领T恤",
	 "Essential Cotton Crew Tee", "精梳棉平纹布，圆领基本款，百搭不过时。",
	 "Combed cotton jersey in the crew-neck basic that never dates.", 129,
	 99, S4, "白色|黑色|灰色|藏青", 6000, PACK4, 0, 0, true, true, false},
	{"QH27S-4002", SHAPE_TSHIRT, F_STRIPES | F_LONG_SLEEVE, "T恤",
	 "海军条纹长袖T恤", "Breton Stripe Tee",
	 "经典法式海军条纹，厚实棉质，船领设计。",
	 "The classic Breton stripe in heavy cotton with a boat neck.", 169,
	 139, S4, "白色|藏青|红色", 4000, NULL, 0, 0, false, false, false},
	{"QH27S-4003", SHAPE_POLO, 0, "T恤", "珠地棉短袖Polo T恤",
	 "Piqué Polo Shirt", "珠地网眼棉透气排汗，罗纹翻领，三粒扣门襟。",
	 "Breathable cotton piqué with a ribbed collar and a three-button "
	 "placket.",
	 199, 169, S4, "白色|藏青|墨绿|粉色", 4000, NULL, 0, 0, false, true,
	 false},
	{"QH27S-4004", SHAPE_TSHIRT, F_GRAPHIC, "T恤", "宽松落肩印花T恤",
	 "Oversized Graphic Tee", "落肩宽松版型，胸前品牌印花，重磅纯棉。",
	 "A dropped-shoulder oversized fit with the brand print on the chest, "
	 "in heavyweight cotton.",
	 159, 129, S4, "白色|黑色|燕麦色", 4000, PACK4, 0, 0, false, false,
	 false},
	{"QH27S-4005", SHAPE_TSHIRT, F_LONG_SLEEVE, "T恤", "长袖打底T恤",
	 "Long-Sleeve Base Tee", "弹力棉质，修身打底，单穿叠穿都好看。",
	 "Stretch cotton, close-fitting, as good alone as under layers.", 139,
	 109, S4, "白色|黑色|灰色|酒红", 4000, NULL, 2, 0, false, false, false},
	{"QH27S-4006", SHAPE_TSHIRT, F_VNECK, "T恤", "莫代尔V领T恤",
	 "Modal V-Neck Tee", "莫代尔混纺，丝滑垂顺，V领修饰颈部线条。",
	 "A silky, drapey modal blend with a flattering V neck.", 149, 119, S4,
	 "白色|黑色|粉色|天蓝", 4000, NULL, 0, 0, false, false, false},
	{"QH27S-4007", SHAPE_TSHIRT, F_GRAPHIC | F_DOTS, "T恤",
	 "艺术家联名限定T恤", "Artist Collab Limited Tee",
	 "与插画艺术家联名，限量发售，售完即止。",
	 "A limited collaboration with an illustrator: when it is gone, it "
	 "is gone.",
	 299, 259, S4, "白色|黑色", 12, NULL, 0, 2, false, false, false},

	/* 衬衫 */
	{"QH27S-5001", SHAPE_SHIRT, F_COLLAR, "衬衫", "牛津纺长袖衬衫",
	 "Oxford Button-Down Shirt", "经典牛津纺，领尖扣设计，免烫处理。",
	 "Classic oxford cloth with a button-down collar and an easy-care "
	 "finish.",
	 299, 259, "S|M|L|XL|XXL", "白色|天蓝|粉色", 4000, NULL, 0, 0, true,
	 true, false},
	{"QH27S-5002", SHAPE_SHIRT, F_COLLAR | F_CHECK, "衬衫",
	 "法兰绒格纹衬衫", "Flannel Check Shirt",
	 "双面磨毛法兰绒，柔软保暖，经典格纹。",
	 "Brushed flannel, soft and warm, in a classic check.", 329, 279, S4,
	 "红色|藏青|军绿", 3000, NULL, 0, 0, false, false, true},
	{"QH27S-5003", SHAPE_SHIRT, F_COLLAR | F_SHORT_SLEEVE, "衬衫",
	 "亚麻古巴领短袖衬衫", "Linen Camp-Collar Shirt",
	 "纯亚麻面料，古巴领设计，度假感十足。",
	 "Pure linen with a camp collar: a holiday in a shirt.", 279, 239, S4,
	 "白色|米色|雾蓝", 3000, NULL, 0, 0, false, false, false},
	{"QH27S-5004", SHAPE_SHIRT, F_SATIN | F_VNECK, "衬衫", "真丝光泽衬衫",
	 "Silk Blouse", "桑蚕丝面料，光泽柔和，垂感极佳。限量供应。",
	 "Mulberry silk with a soft sheen and a beautiful drape. Limited "
	 "quantities.",
	 699, 599, "XS|S|M|L", "奶白|黑色|香芋紫", 20, NULL, 0, 5, false, false,
	 false},
	{"QH27S-5005", SHAPE_SHIRT, F_COLLAR | F_STRIPES, "衬衫",
	 "条纹府绸衬衫", "Striped Poplin Shirt",
	 "细条纹府绸，挺括有型，职场必备。",
	 "Fine-striped poplin, crisp and sharp, an office essential.", 279, 239,
	 S4, "天蓝|白色", 3000, NULL, 0, 0, false, false, false},
	{"QH27S-5006", SHAPE_SHIRT, F_COLLAR | F_DENIM, "衬衫", "丹宁牛仔衬衫",
	 "Chambray Denim Shirt", "轻薄丹宁布，双胸袋设计，可当外套叠穿。",
	 "Light chambray with two chest pockets; layers like an overshirt.",
	 329, 279, S4, "浅蓝|牛仔蓝", 3000, NULL, 0, 0, false, false, false},

	/* 针织衫 */
	{"QH27S-6001", SHAPE_SWEATER, 0, "针织衫", "美利奴羊毛圆领针织衫",
	 "Merino Crew-Neck Sweater", "100%美利奴羊毛，细腻亲肤，可机洗。",
	 "100% merino wool, soft against the skin and machine-washable.", 599,
	 499, S4, "灰色|藏青|驼色|酒红", 3000, NULL, 0, 0, true, true, true},
	{"QH27S-6002", SHAPE_CARDIGAN, F_VNECK, "针织衫", "V领针织开衫",
	 "V-Neck Cardigan", "棉羊毛混纺，V领开襟，五粒贝壳扣。",
	 "A cotton and wool blend, V-neck and open, with five shell buttons.",
	 459, 389, S4, "米色|黑色|墨绿", 3000, NULL, 0, 0, false, false, false},
	{"QH27S-6003", SHAPE_SWEATER, F_CABLE, "针织衫", "麻花粗针毛衣针织衫",
	 "Cable-Knit Sweater", "粗针麻花织法，厚实保暖，复古渔夫风。",
	 "A chunky cable knit, thick and warm, in the old fisherman's style.",
	 699, 599, S4, "奶白|燕麦色|藏青", 3000, NULL, 0, 0, false, false,
	 true},
	{"QH27S-6004", SHAPE_SWEATER, F_HIGH_NECK, "针织衫", "高领羊绒针织衫",
	 "Cashmere Turtleneck",
	 "100%山羊绒，轻盈保暖，高领设计，冬季衣橱必备。",
	 "100% cashmere, light and warm, with a turtleneck: a winter wardrobe "
	 "must.",
	 1299, 1099, S4, "黑色|驼色|灰色", 2000, NULL, 0, 0, false, true, true},
	{"QH27S-6005", SHAPE_VEST, F_ARGYLE | F_VNECK, "针织衫", "菱格针织背心",
	 "Argyle Knit Vest", "经典菱格纹，V领无袖，叠穿衬衫学院风。",
	 "A classic argyle, V-neck and sleeveless; layer it over a shirt.", 329,
	 279, S4, "米色|藏青", 3000, NULL, 0, 0, false, false, false},
	{"QH27S-6006", SHAPE_SWEATER, F_SHORT_SLEEVE, "针织衫",
	 "冰丝短袖针织衫", "Cool-Touch Knit Tee",
	 "冰丝凉感纱线，短袖针织，夏季清凉不闷热。",
	 "Cool-touch yarn in a short-sleeved knit that stays fresh in summer.",
	 229, 189, S4, "白色|黑色|薄荷绿", 4000, PACK4, 0, 0, false, false,
	 false},
	{"QH27S-6007", SHAPE_CARDIGAN, F_CROPPED | F_FUZZY, "针织衫",
	 "短款马海毛开衫针织衫", "Cropped Mohair Cardigan",
	 "马海毛混纺，蓬松柔软，短款设计搭配高腰裤裙。",
	 "A fluffy, soft mohair blend, cropped to pair with high-waisted "
	 "trousers and skirts.",
	 559, 479, "XS|S|M|L", "粉色|奶白|香芋紫", 3000, NULL, 0, 0, false,
	 false, true},

	/* 配件 */
	{"QH27S-7001", SHAPE_SCARF, F_CHECK, "配件", "羊绒格纹围巾",
	 "Cashmere Check Scarf", "羊绒混纺，经典格纹，流苏收边。",
	 "A cashmere blend in a classic check, finished with fringes.", 599,
	 499, "均码", "驼色|灰色|红色", 3000, NULL, 0, 0, false, true, true},
	{"QH27S-7002", SHAPE_CAP, 0, "配件", "刺绣棒球帽",
	 "Embroidered Baseball Cap", "纯棉斜纹，正面品牌刺绣，后扣可调节。",
	 "Cotton twill with the brand embroidered on the front and an "
	 "adjustable back strap.",
	 149, 119, "均码", "黑色|白色|藏青|卡其", 4000, NULL, 2, 0, false,
	 false, false},
	{"QH27S-7003", SHAPE_BUCKET_HAT, 0, "配件", "纯棉渔夫帽",
	 "Cotton Bucket Hat", "水洗棉布，可折叠收纳，防晒遮阳。",
	 "Washed cotton that folds flat and keeps the sun off.", 129, 99,
	 "均码", "米色|黑色|军绿", 4000, NULL, 2, 0, false, false, false},
	{"QH27S-7004", SHAPE_TOTE, 0, "配件", "帆布托特包", "Canvas Tote Bag",
	 "加厚帆布，大容量，内有拉链袋，可放A4文件。",
	 "Heavy canvas with room for A4 files and a zipped inner pocket.", 199,
	 159, "均码", "米色|黑色", 3000, NULL, 2, 0, false, false, false},
	{"QH27S-7005", SHAPE_BELT, 0, "配件", "头层牛皮腰带",
	 "Full-Grain Leather Belt", "头层牛皮，合金针扣，经典百搭。",
	 "Full-grain leather with an alloy pin buckle: a classic that goes "
	 "with everything.",
	 299, 249, "95|105|115", "黑色|咖啡", 3000, NULL, 0, 0, false, false,
	 false},
	{"QH27S-7006", SHAPE_SCARF, F_LONG, "配件", "罗纹针织围巾",
	 "Rib-Knit Scarf", "柔软罗纹针织，加长款，可多种系法。",
	 "A soft rib knit, extra long, to wear in many ways.", 199, 169, "均码",
	 "灰色|酒红|芥末黄", 3000, NULL, 0, 0, false, false, true},
};

const size_t demo_product_count =
	sizeof demo_products / sizeof demo_products[0];

static const struct demo_color colors[] = {
	{"黑色", "Black", 38, 38, 42},
	{"白色", "White", 246, 246, 242},
	{"藏青", "Navy", 34, 46, 82},
	{"灰色", "Grey", 140, 142, 147},
	{"麻灰", "Heather Grey", 170, 170, 166},
	{"米色", "Beige", 226, 212, 184},
	{"卡其", "Khaki", 188, 166, 118},
	{"驼色", "Camel", 192, 146, 96},
	{"燕麦色", "Oatmeal", 216, 202, 174},
	{"酒红", "Burgundy", 118, 30, 48},
	{"红色", "Red", 198, 44, 50},
	{"粉色", "Pink", 238, 172, 186},
	{"藕粉", "Dusty Pink", 214, 160, 164},
	{"天蓝", "Sky Blue", 140, 186, 226},
	{"浅蓝", "Light Blue", 146, 178, 212},
	{"牛仔蓝", "Denim Blue", 56, 86, 138},
	{"雾蓝", "Dusty Blue", 126, 148, 176},
	{"军绿", "Olive", 90, 98, 62},
	{"墨绿", "Forest Green", 32, 74, 56},
	{"薄荷绿", "Mint", 166, 218, 194},
	{"芥末黄", "Mustard", 210, 168, 50},
	{"咖啡", "Coffee", 100, 66, 46},
	{"奶白", "Cream", 244, 236, 216},
	{"香芋紫", "Lavender", 178, 160, 204},
	{"橙色", "Orange", 232, 118, 46},
};

const struct demo_color *demo_color(const char *name)
{
	static const struct demo_color unknown = {"?", "Colour", 150, 150, 150};

	for (size_t i = 0; i < sizeof colors / sizeof colors[0]; i++)
		if (!strcmp(colors[i].name, name))
			return &colors[i];
	return &unknown;
}

const char *demo_category_en(const char *category)
{
	static const char *const names[][2] = {
		{"外套", "Outerwear"},   {"裤", "Trousers"},
		{"连衣裙", "Dresses"},   {"T恤", "T-shirts"},
		{"衬衫", "Shirts"},      {"针织衫", "Knitwear"},
		{"配件", "Accessories"},
	};

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (!strcmp(names[i][0], category))
			return names[i][1];
	return NULL;
}

const char *const demo_regions[DEMO_REGIONS] = {
	"华东", "华南", "华北", "华中", "西南", "西北", "东北",
};

const char *const demo_region_warehouses[DEMO_REGIONS] = {
	"上海仓", "广州仓", "北京仓", "武汉仓", "成都仓", "西安仓", "沈阳仓",
};

/* Cities of each region, in the order of demo_regions. */
static const char *const cities[DEMO_REGIONS][10] = {
	{"上海", "杭州", "南京", "苏州", "宁波", "合肥", "福州", "厦门", "济南",
	 "青岛"},
	{"广州", "深圳", "东莞", "佛山", "珠海", "南宁", "海口", "汕头", "中山",
	 "桂林"},
	{"北京", "天津", "石家庄", "太原", "呼和浩特", "唐山", "保定", "廊坊",
	 "大同", "包头"},
	{"武汉", "长沙", "郑州", "宜昌", "襄阳", "株洲", "洛阳", "岳阳", "开封",
	 "常德"},
	{"成都", "重庆", "昆明", "贵阳", "绵阳", "遵义", "大理", "宜宾", "丽江",
	 "南充"},
	{"西安", "兰州", "乌鲁木齐", "银川", "西宁", "宝鸡", "咸阳", "天水",
	 "延安", "榆林"},
	{"沈阳", "大连", "长春", "哈尔滨", "吉林", "鞍山", "抚顺", "齐齐哈尔",
	 "丹东", "营口"},
};

static const char *const malls[] = {
	"万达广场", "步行街", "新天地", "银泰城", "大悦城",   "万象城",
	"中山路",   "解放路", "人民路", "太古里", "吾悦广场", "百货大楼",
};

static const char *const shop_words[] = {
	"衣品轩", "锦衣坊",   "雅致",     "丽人", "时尚坊",   "潮流前线",
	"美衣阁", "衣恋",     "悦己",     "尚品", "花样年华", "织梦",
	"素衣",   "简约主义", "衣见倾心", "红袖", "尚衣坊",   "青衫",
	"云裳",   "金缕",     "衣格",     "优衫", "摩登",     "木棉",
};

static const char *const surnames[] = {
	"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周",
	"徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗",
};

static const char *const roads[] = {
	"中山路", "人民路", "解放路", "建设路", "和平路", "新华路",
	"文化路", "长江路", "黄河路", "胜利路", "青年路", "光明街",
};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

void demo_dealer(int i, struct demo_dealer *d)
{
	int r = (i - 1) % DEMO_REGIONS;
	int k = (i - 1) / DEMO_REGIONS; /* 0 ... 71 within the region */
	const char *city = cities[r][k % 10];
	const char *word =
		shop_words[(size_t)(k * 5 + r * 3) % N_OF(shop_words)];
	const char *mall = malls[(size_t)(k + r) % N_OF(malls)];

	memset(d, 0, sizeof *d);
	snprintf(d->code, sizeof d->code, "D%03d", i);
	switch (k % 4) {
	case 0:
		snprintf(d->name, sizeof d->name, "%s%s青禾专卖店", city, mall);
		break;
	case 1:
		snprintf(d->name, sizeof d->name, "%s%s服饰", city, word);
		break;
	case 2:
		snprintf(d->name, sizeof d->name, "%s%s%s时装店", city, mall,
			 word);
		break;
	default:
		snprintf(d->name, sizeof d->name, "%s%s服饰有限公司", city,
			 word);
		break;
	}
	d->region = demo_regions[r];
	d->tier = "CAB"[i % 3]; /* D001 A, D002 B, D003 C, ... */
	d->credit = i <= DEMO_GENEROUS_CREDIT_DEALERS
			    ? DEMO_GENEROUS_CREDIT
			    : 100000000LL * (1 + i % 5); /* ¥1M to ¥5M */
	d->key_dealer = i % 20 == 1;
	snprintf(d->recipient, sizeof d->recipient, "%s%s",
		 surnames[(size_t)i % N_OF(surnames)], i % 2 ? "经理" : "店长");
	snprintf(d->phone, sizeof d->phone, "13%d%08d", 5 + i % 5,
		 (i * 7919) % 100000000);
	snprintf(d->address, sizeof d->address, "%s市%s%d号%s", city,
		 roads[(size_t)(i * 7) % N_OF(roads)], 1 + (i * 37) % 300,
		 k % 4 == 0 || k % 4 == 2 ? mall : "");
}

const struct demo_staff demo_staff[] = {
	{"rep1", "陈志明", "rep"},         {"rep2", "林雅婷", "rep"},
	{"rep3", "张伟", "rep"},           {"rep4", "黄淑芬", "rep"},
	{"rep5", "李俊杰", "rep"},         {"manager1", "周慧敏", "manager"},
	{"manager2", "吴建国", "manager"}, {"admin", "系统管理员", "admin"},
};

const size_t demo_staff_count = sizeof demo_staff / sizeof demo_staff[0];
