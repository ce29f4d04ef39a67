// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz the resolv.conf parser and checker with any text: what netnsctl
 * edit/set validate and what the daemon reads from the default file.
 * Besides the sanitizers, it checks what the callers rely on.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "resolvcheck.h"
#include "resolvconf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_words(char **v, size_t n, int may_be_empty)
{
	for (size_t i = 0; i < n; i++) {
		if (!v[i] || (!may_be_empty && !*v[i]) ||
		    strpbrk(v[i], " \t\n"))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rcfs_problems probs;
	struct rcfs_resolv r;
	size_t lines = 1;
	char *text;
	int n;

	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	for (size_t i = 0; i < size; i++)
		lines += text[i] == '\n';

	if (rcfs_resolv_parse(text, &r) == 0) {
		check_words(r.nameservers, r.n_nameservers, 1);
		check_words(r.search, r.n_search, 0);
		check_words(r.options, r.n_options, 0);
		rcfs_resolv_loopback_only(&r);
		for (size_t i = 0; i < r.n_nameservers; i++)
			rcfs_resolv_addr_valid(r.nameservers[i]);
		for (size_t i = 0; i < r.n_options; i++)
			rcfs_resolv_option_valid(r.options[i]);
		rcfs_resolv_free(&r);
	}

	n = rcfs_resolv_check(text, &probs);
	if (n >= 0) {
		if ((size_t)n != probs.n)
			abort();
		for (size_t i = 0; i < probs.n; i++)
			if (!probs.v[i].msg || probs.v[i].line > lines)
				abort();
		rcfs_problems_free(&probs);
	}

	/* the single-word checks on the whole text as one word */
	rcfs_resolv_addr_valid(text);
	rcfs_resolv_option_valid(text);
	free(text);
	return 0;
}
