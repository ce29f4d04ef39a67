// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Output: commands gather rows into a libsmartcols table; the same
 * table prints as text or, with -j, as JSON.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netnsctl.h"

/* set from the options by table_new() */
static bool pretty_json = true;

struct libscols_table *table_new(const struct ctl *c, const char *name,
				 const struct col *cols, size_t n)
{
	struct libscols_table *tb = scols_new_table();

	if (!tb)
		return NULL;
	pretty_json = c->pretty;
	scols_table_set_name(tb, name);
	scols_table_enable_json(tb, c->json);
	for (size_t i = 0; i < n; i++) {
		struct libscols_column *cl;

		bool array = c->json && cols[i].json == SCOLS_JSON_ARRAY_STRING;

		cl = scols_table_new_column(tb, cols[i].name, cols[i].whint,
					    cols[i].flags |
					    (array ? SCOLS_FL_WRAP : 0));
		if (!cl) {
			scols_unref_table(tb);
			return NULL;
		}
		scols_column_set_json_type(cl, cols[i].json);
		/* an array's elements are the cell's lines */
		if (array)
			scols_column_set_wrapfunc(cl, scols_wrapnl_chunksize,
						  scols_wrapnl_nextchunk, NULL);
	}
	return tb;
}

int table_set(struct libscols_line *ln, size_t col, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -ENOMEM;
	if (scols_line_refer_data(ln, col, s) < 0) {
		free(s);
		return -ENOMEM;
	}
	return 0;
}

/* A list: one JSON array, or comma-separated words in text. */
int table_set_list(const struct ctl *c, struct libscols_line *ln,
		   size_t col, char **v, size_t n)
{
	size_t len = 1;
	char *s, *p;

	/* no data: an empty array in JSON, nothing in text */
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		len += strlen(v[i]) + 1;
	s = p = malloc(len);
	if (!s)
		return -ENOMEM;
	*p = '\0';
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, "%s%s", i ? (c->json ? "\n" : ",") : "", v[i]);
	if (scols_line_refer_data(ln, col, s) < 0) {
		free(s);
		return -ENOMEM;
	}
	return 0;
}

/*
 * libsmartcols always indents JSON, where ip -j prints one line and
 * indents only with -p; and it shows an empty array as [null] (lsblk's
 * "mountpoints"), where jq users expect [].  Fix both outside strings.
 */
static void json_fix(char *s, bool compact)
{
	bool in_str = false, esc = false;
	char *out = s;

	for (; *s; s++) {
		if (in_str) {
			if (esc)
				esc = false;
			else if (*s == '\\')
				esc = true;
			else if (*s == '"')
				in_str = false;
		} else if (*s == '"') {
			in_str = true;
		} else if (*s == '[') {
			size_t a = strspn(s + 1, " \n\t"), b;

			if (!strncmp(s + 1 + a, "null", 4)) {
				b = strspn(s + 5 + a, " \n\t");
				if (s[5 + a + b] == ']') {
					*out++ = '[';
					*out++ = ']';
					s += 5 + a + b;
					continue;
				}
			}
		} else if (compact && (*s == ' ' || *s == '\n' || *s == '\t')) {
			continue;
		}
		*out++ = *s;
	}
	*out = '\0';
}

int table_print(struct libscols_table *tb)
{
	char *s = NULL;
	int r;

	if (!scols_table_is_json(tb)) {
		r = scols_print_table(tb);
		scols_unref_table(tb);
		return r < 0 ? 1 : 0;
	}
	r = scols_print_table_to_string(tb, &s);
	scols_unref_table(tb);
	if (r < 0 || !s) {
		free(s);
		return 1;
	}
	json_fix(s, !pretty_json);
	fputs(s, stdout);
	if (!*s || s[strlen(s) - 1] != '\n')
		putchar('\n');
	free(s);
	return 0;
}

/* A multi-line value (a file's content) under its name, indented. */
static void print_block(const char *name, const char *v)
{
	printf("%s:\n", name);
	while (*v) {
		size_t len = strcspn(v, "\n");

		printf("    %.*s\n", (int)len, v);
		v += len;
		if (*v)
			v++;
	}
}

/*
 * One record per line as "column: value" in text (the shape of
 * `show` and `status`), the same table as JSON with -j.
 */
int table_print_record(const struct ctl *c, struct libscols_table *tb)
{
	struct libscols_iter *itr;
	struct libscols_line *ln;
	size_t ncols = scols_table_get_ncols(tb), width = 0;
	bool first = true;

	if (c->json)
		return table_print(tb);
	for (size_t i = 0; i < ncols; i++) {
		const char *h = scols_cell_get_data(scols_column_get_header(
			scols_table_get_column(tb, i)));
		size_t l = h ? strlen(h) : 0;

		width = l > width ? l : width;
	}
	itr = scols_new_iter(SCOLS_ITER_FORWARD);
	if (!itr) {
		scols_unref_table(tb);
		return 1;
	}
	while (scols_table_next_line(tb, itr, &ln) == 0) {
		if (!first)
			putchar('\n');
		first = false;
		for (size_t i = 0; i < ncols; i++) {
			struct libscols_column *cl = scols_table_get_column(tb, i);
			const char *h = scols_cell_get_data(scols_column_get_header(cl));
			const char *v = scols_cell_get_data(scols_line_get_cell(ln, i));

			if (v && strchr(v, '\n'))
				print_block(h, v);
			else
				printf("%s:%*s %s\n", h,
				       (int)(width - strlen(h)), "", v ? v : "");
		}
	}
	scols_free_iter(itr);
	scols_unref_table(tb);
	return 0;
}

/* Several tables as one JSON object: {"a":[...],"b":[...]}. */
int tables_print_json(struct libscols_table **tbs, size_t n)
{
	int r = 0;

	fputs("{", stdout);
	for (size_t i = 0; i < n; i++) {
		char *s = NULL, *open, *close;

		if (r == 0 && scols_print_table_to_string(tbs[i], &s) == 0 && s) {
			/* each is {"name":[...]}: keep what is inside */
			open = strchr(s, '{');
			close = strrchr(s, '}');
			if (open && close && close > open) {
				*close = '\0';
				json_fix(open + 1, !pretty_json);
				printf("%s%s", i ? "," : "", open + 1);
			} else {
				r = 1;
			}
		} else {
			r = 1;
		}
		free(s);
		scols_unref_table(tbs[i]);
	}
	fputs("}\n", stdout);
	return r;
}
