/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for API pages in live collection: the first byte picks the
 * kind (Resource Graph, an ARM or Graph list, a single object), the rest
 * is the response body.  A page is either rejected with a message or
 * read; every row it yields must be written back as one JSON object that
 * parses again, and the next link or $skipToken is absent or a non-empty
 * string.  Error bodies and log URLs are read from the same bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/collect/collect_int.h"
#include "util/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
sink(const char *p, size_t n, void *payload)
{
	return ov__buf_add(payload, p, n);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ov_buf b = OV_BUF_INIT(1 << 24);
	struct ov_page page;
	ov_json_doc *doc = NULL, *row = NULL;
	const char *code, *message;
	char err[200], url[512], in[512];
	enum ov_page_kind kind;
	size_t i, n;

	if (size < 1)
		return 0;
	kind = (enum ov_page_kind)(data[0] % 3);
	if (ov_json_parse(&doc, NULL, (const char *)data + 1, size - 1,
	    OV_JSON_STRICT, NULL) == 0) {
		ov_collect__error_body(ov_json_doc_root(doc), &code, &message);
		if (ov_collect__page(ov_json_doc_root(doc), kind, &page, err,
		    sizeof(err)) == 0) {
			if (page.next != NULL && page.next[0] == '\0')
				abort();
			for (i = 0; i < page.n_rows; i++) {
				ov__buf_clear(&b);
				if (ov_collect__write_row(&page, i,
				    i % 2 == 0 ? "@odata.context" : NULL, sink,
				    &b) < 0)
					abort();
				if (ov_json_parse(&row, NULL, ov__buf_cstr(&b),
				    b.len, OV_JSON_STRICT, NULL) < 0 ||
				    ov_json_type_of(ov_json_doc_root(row)) !=
				    OV_JSON_OBJECT)
					abort();	/* a row that is no object */
				ov_json_doc_free(row);
				row = NULL;
			}
		} else if (err[0] == '\0') {
			abort();
		}
	}
	ov_json_doc_free(doc);
	ov__buf_free(&b);

	n = size - 1 < sizeof(in) - 1 ? size - 1 : sizeof(in) - 1;
	memcpy(in, data + 1, n);
	in[n] = '\0';
	ov_collect__log_url(in, url, sizeof(url));
	if (strlen(url) >= sizeof(url))
		abort();
	(void)ov_collect__same_origin(in, "https://management.azure.com");
	return 0;
}
