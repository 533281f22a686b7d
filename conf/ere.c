/* ere.c - POSIX extended regular expressions (see ere.h): a recursive
 * descent parser to a small tree, the tree to NFA code (repetitions
 * unrolled), and a Thompson simulation of the code over the text. */
#include "conf/ere.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INF	  0xffff /* no upper bound */
#define MAX_DUP	  255	 /* RE_DUP_MAX */
#define MAX_DEPTH 64	 /* nested groups */

enum { N_SET, N_CAT, N_ALT, N_REP, N_BOL, N_EOL, N_EMPTY };
enum { I_SET, I_SPLIT, I_JMP, I_BOL, I_EOL, I_MATCH };

struct node {
	unsigned char type;
	uint16_t min, max; /* N_REP */
	int set;	   /* N_SET: index into sets */
	int kid, sib;	   /* first child, next sibling; -1: none */
};

struct inst {
	unsigned char op;
	uint16_t x, y; /* I_SET: set; I_SPLIT: both targets; I_JMP: x */
};

struct ere {
	struct inst *prog;
	uint8_t (*sets)[32];
	size_t n;
	/* the search */
	uint16_t *cur, *next, *stack, *eol;
	size_t ncur, neol;
	uint32_t *mark, gen;
	uint64_t pos;
	bool matched;
};

struct parser {
	const char *s, *p;
	struct node *nodes;
	int nn, depth;
	uint8_t (*sets)[32];
	int ns;
	char *err;
	size_t errlen;
	/* code emission */
	struct inst *prog;
	size_t pc;
};

static int fail(struct parser *ps, const char *why)
{
	if (ps->err && !*ps->err)
		snprintf(ps->err, ps->errlen, "%s at offset %zu", why, (size_t)(ps->p - ps->s));
	return -EINVAL;
}

static int node(struct parser *ps, int type)
{
	struct node *n = &ps->nodes[ps->nn];

	memset(n, 0, sizeof(*n));
	n->type = (unsigned char)type;
	n->kid = n->sib = -1;
	return ps->nn++;
}

static int set_node(struct parser *ps, uint8_t **set)
{
	int n = node(ps, N_SET);

	ps->nodes[n].set = ps->ns;
	*set = ps->sets[ps->ns++];
	memset(*set, 0, 32);
	return n;
}

static void add(uint8_t *set, unsigned c)
{
	set[c >> 3] |= (uint8_t)(1u << (c & 7));
}

static bool has(const uint8_t *set, unsigned c)
{
	return set[c >> 3] & (1u << (c & 7));
}

static const struct {
	const char *name;
	int (*is)(int);
} classes[] = {
    {"alpha", isalpha}, {"digit", isdigit}, {"alnum", isalnum}, {"upper", isupper},
    {"lower", islower}, {"space", isspace}, {"blank", isblank}, {"punct", ispunct},
    {"print", isprint}, {"graph", isgraph}, {"cntrl", iscntrl}, {"xdigit", isxdigit},
};

/* One element of a bracket expression at ps->p: a byte (returned), or a
 * [:class:] added to set (returns 256), or -EINVAL. */
static int element(struct parser *ps, uint8_t *set)
{
	const char *p = ps->p, *end;
	size_t i, len;

	if (p[0] != '[' || (p[1] != ':' && p[1] != '=' && p[1] != '.')) {
		ps->p++;
		return (unsigned char)*p;
	}
	for (end = p + 2; *end && !(end[0] == p[1] && end[1] == ']'); end++)
		;
	if (!*end)
		return fail(ps, "unmatched '['");
	len = (size_t)(end - (p + 2));
	if (p[1] != ':') {
		if (len != 1)
			return fail(ps, "unsupported collating element");
		ps->p = end + 2;
		return (unsigned char)p[2];
	}
	ps->p = end + 2;
	for (i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
		if (strlen(classes[i].name) == len && !memcmp(p + 2, classes[i].name, len)) {
			unsigned c;

			for (c = 0; c < 256; c++)
				if (classes[i].is((int)c))
					add(set, c);
			return 256;
		}
	ps->p = p;
	return fail(ps, "unknown character class");
}

/* [...] with ps->p just after '['. */
static int bracket(struct parser *ps)
{
	uint8_t *set;
	int n = set_node(ps, &set), lo, hi;
	bool neg = *ps->p == '^', first = true;
	unsigned c;

	ps->p += neg;
	for (;; first = false) {
		if (!*ps->p)
			return fail(ps, "unmatched '['");
		if (*ps->p == ']' && !first) {
			ps->p++;
			break;
		}
		if ((lo = element(ps, set)) < 0)
			return lo;
		if (lo == 256)
			continue;
		hi = lo;
		if (ps->p[0] == '-' && ps->p[1] && ps->p[1] != ']') {
			ps->p++;
			if ((hi = element(ps, set)) < 0)
				return hi;
			if (hi == 256 || hi < lo)
				return fail(ps, "invalid range end");
		}
		for (c = (unsigned)lo; c <= (unsigned)hi; c++)
			add(set, c);
	}
	if (neg)
		for (c = 0; c < 32; c++)
			set[c] = (uint8_t)~set[c];
	return n;
}

static int parse_alt(struct parser *ps);

static int literal(struct parser *ps, unsigned char c)
{
	uint8_t *set;
	int n = set_node(ps, &set);

	add(set, c);
	return n;
}

static int atom(struct parser *ps)
{
	char c = *ps->p;
	int n;

	ps->p++;
	switch (c) {
	case '(':
		if (++ps->depth > MAX_DEPTH)
			return fail(ps, "groups nested too deeply");
		if ((n = parse_alt(ps)) < 0)
			return n;
		if (*ps->p != ')')
			return fail(ps, "unmatched '('");
		ps->p++;
		ps->depth--;
		return n;
	case '[':
		return bracket(ps);
	case '.': {
		uint8_t *set;

		n = set_node(ps, &set);
		memset(set, 0xff, 32);
		return n;
	}
	case '^':
		return node(ps, N_BOL);
	case '$':
		return node(ps, N_EOL);
	case '\\':
		c = *ps->p;
		if (!c)
			return fail(ps, "trailing backslash");
		if (!strchr("^.[$()|*+?{\\", c))
			return fail(ps, "not a POSIX ERE escape (use a bracket expression)");
		ps->p++;
		return literal(ps, (unsigned char)c);
	case '*':
	case '+':
	case '?':
	case '{':
		ps->p--;
		return fail(ps, "nothing to repeat");
	default:
		return literal(ps, (unsigned char)c);
	}
}

/* A count of {m,n} at ps->p: 0..255, or -1 when there are no digits. */
static int count(struct parser *ps)
{
	int v = -1;

	while (*ps->p >= '0' && *ps->p <= '9' && v <= MAX_DUP)
		v = (v < 0 ? 0 : v * 10) + (*ps->p++ - '0');
	return v;
}

/* {m}, {m,}, {m,n} with ps->p just after '{'. */
static int interval(struct parser *ps, uint16_t *min, uint16_t *max)
{
	const char *brace = ps->p - 1;
	int m = count(ps), n = m;

	if (*ps->p == ',') {
		ps->p++;
		n = count(ps);
		if (n < 0)
			n = INF;
	}
	if (m < 0 || *ps->p != '}' || m > MAX_DUP || (n != INF && (n > MAX_DUP || n < m))) {
		ps->p = brace;
		return fail(ps, "bad repetition count");
	}
	ps->p++;
	*min = (uint16_t)m;
	*max = (uint16_t)n;
	return 0;
}

/* An atom and the repetitions after it. */
static int repeat(struct parser *ps)
{
	int n = atom(ps), r;

	while (n >= 0 && *ps->p && strchr("*+?{", *ps->p)) {
		char q = *ps->p++;
		uint16_t min = q == '+', max = q == '?' ? 1 : INF;

		if (q == '{' && (r = interval(ps, &min, &max)) < 0)
			return r;
		r = node(ps, N_REP);
		ps->nodes[r].min = min;
		ps->nodes[r].max = max;
		ps->nodes[r].kid = n;
		n = r;
	}
	return n;
}

/* Node k becomes the last child of n, after *last (-1: the first). */
static void adopt(struct parser *ps, int n, int *last, int k)
{
	if (*last < 0)
		ps->nodes[n].kid = k;
	else
		ps->nodes[*last].sib = k;
	*last = k;
}

/* One branch of an alternation: the repeated atoms up to '|', a ')'
 * closing a group, or the end (none: N_EMPTY). */
static int branch(struct parser *ps)
{
	int n = node(ps, N_CAT), last = -1, k;

	while (*ps->p && *ps->p != '|' && !(*ps->p == ')' && ps->depth)) {
		if ((k = repeat(ps)) < 0)
			return k;
		adopt(ps, n, &last, k);
	}
	if (last < 0)
		ps->nodes[n].type = N_EMPTY;
	return n;
}

static int parse_alt(struct parser *ps)
{
	int n = node(ps, N_ALT), last = -1, k;

	for (;;) {
		if ((k = branch(ps)) < 0)
			return k;
		adopt(ps, n, &last, k);
		if (*ps->p != '|')
			return n;
		ps->p++;
	}
}

static int emit(struct parser *ps, int op, unsigned x, unsigned y)
{
	if (ps->pc >= ERE_MAX_PROGRAM) {
		ps->p = ps->s + strlen(ps->s);
		return fail(ps, "pattern too large once repetitions are unrolled");
	}
	ps->prog[ps->pc] = (struct inst){(unsigned char)op, (uint16_t)x, (uint16_t)y};
	return (int)ps->pc++;
}

static int gen(struct parser *ps, int n);

/* RE|RE...: a SPLIT to each branch but the last, each ending in a JMP past
 * the last; the JMPs wait for their target in a chain through .x (the
 * previous one's pc + 1, 0 ending it). */
static int gen_alt(struct parser *ps, const struct node *n)
{
	unsigned chain = 0;
	int k, r;

	for (k = n->kid; k >= 0; k = ps->nodes[k].sib) {
		int split = -1;

		if (ps->nodes[k].sib >= 0 && (split = emit(ps, I_SPLIT, ps->pc + 1, 0)) < 0)
			return split;
		if ((r = gen(ps, k)) < 0)
			return r;
		if (split < 0)
			break;
		if ((r = emit(ps, I_JMP, chain, 0)) < 0)
			return r;
		chain = (unsigned)r + 1;
		ps->prog[split].y = (uint16_t)ps->pc;
	}
	while (chain) {
		unsigned prev = ps->prog[chain - 1].x;

		ps->prog[chain - 1].x = (uint16_t)ps->pc;
		chain = prev;
	}
	return 0;
}

/* e{min,max}: min copies, then a loop (no bound) or max-min optional
 * copies, each SPLIT able to skip to the end. */
static int gen_rep(struct parser *ps, const struct node *n)
{
	int i, r, skip[MAX_DUP];

	for (i = 0; i < n->min; i++)
		if ((r = gen(ps, n->kid)) < 0)
			return r;
	if (n->max == INF) {
		int loop = emit(ps, I_SPLIT, ps->pc + 1, 0);

		if (loop < 0 || (r = gen(ps, n->kid)) < 0 || (r = emit(ps, I_JMP, loop, 0)) < 0)
			return loop < 0 ? loop : r;
		ps->prog[loop].y = (uint16_t)ps->pc;
		return 0;
	}
	for (i = 0; i < n->max - n->min; i++)
		if ((skip[i] = emit(ps, I_SPLIT, ps->pc + 1, 0)) < 0 || (r = gen(ps, n->kid)) < 0)
			return -EINVAL;
	while (i--)
		ps->prog[skip[i]].y = (uint16_t)ps->pc;
	return 0;
}

static int gen(struct parser *ps, int k)
{
	const struct node *n = &ps->nodes[k];
	int r = 0;

	switch (n->type) {
	case N_SET:
		return emit(ps, I_SET, (unsigned)n->set, 0) < 0 ? -EINVAL : 0;
	case N_BOL:
	case N_EOL:
		return emit(ps, n->type == N_BOL ? I_BOL : I_EOL, 0, 0) < 0 ? -EINVAL : 0;
	case N_CAT:
		for (k = n->kid; k >= 0 && r == 0; k = ps->nodes[k].sib)
			r = gen(ps, k);
		return r;
	case N_ALT:
		return gen_alt(ps, n);
	case N_REP:
		return gen_rep(ps, n);
	default:
		return 0;
	}
}

void ere_free(struct ere *re)
{
	if (!re)
		return;
	free(re->prog);
	free(re->sets);
	free(re->cur);
	free(re->next);
	free(re->stack);
	free(re->eol);
	free(re->mark);
	free(re);
}

/* The search's arrays, sized by the program. */
static int ere_alloc(struct ere *re)
{
	size_t n = re->n;

	re->cur = malloc(n * sizeof(*re->cur));
	re->next = malloc(n * sizeof(*re->next));
	re->stack = malloc((2 * n + 2) * sizeof(*re->stack));
	re->eol = malloc(n * sizeof(*re->eol));
	re->mark = calloc(n, sizeof(*re->mark));
	return re->cur && re->next && re->stack && re->eol && re->mark ? 0 : -ENOMEM;
}

int ere_compile(const char *pattern, struct ere **out, char *err, size_t errlen)
{
	struct parser ps;
	size_t len = strlen(pattern);
	struct ere *re;
	int r = -ENOMEM;

	memset(&ps, 0, sizeof(ps));
	ps.s = ps.p = pattern;
	ps.err = err;
	ps.errlen = errlen;
	if (err && errlen)
		*err = '\0';
	if (len > ERE_MAX_PATTERN) {
		snprintf(err, errlen, "pattern longer than %d bytes", ERE_MAX_PATTERN);
		return -EINVAL;
	}
	re = calloc(1, sizeof(*re));
	ps.nodes = malloc((3 * len + 4) * sizeof(*ps.nodes));
	ps.sets = malloc((len + 1) * sizeof(*ps.sets));
	ps.prog = malloc(ERE_MAX_PROGRAM * sizeof(*ps.prog));
	if (re && ps.nodes && ps.sets && ps.prog) {
		r = parse_alt(&ps);
		if (r >= 0)
			r = gen(&ps, r);
		if (r >= 0)
			r = emit(&ps, I_MATCH, 0, 0) < 0 ? -EINVAL : 0;
	}
	free(ps.nodes);
	if (r == 0) {
		struct inst *p = realloc(ps.prog, ps.pc * sizeof(*ps.prog));

		re->prog = p ? p : ps.prog;
		re->sets = ps.sets;
		re->n = ps.pc;
		r = ere_alloc(re);
		ps.prog = NULL;
		ps.sets = NULL;
	}
	free(ps.prog);
	free(ps.sets);
	if (r) {
		ere_free(re);
		return r;
	}
	*out = re;
	return 0;
}

static void next_gen(struct ere *re)
{
	if (++re->gen == 0) {
		memset(re->mark, 0, re->n * sizeof(*re->mark));
		re->gen = 1;
	}
}

/* Add to list the states reachable from pc without reading a byte, at a
 * position where ^ holds (bol) or not and $ holds (eol) or, not yet
 * known, is kept in re->eol for ere_end().  Reaching the end: a match. */
static void closure(struct ere *re, unsigned pc, uint16_t *list, size_t *ln, bool bol, bool eol)
{
	size_t sp = 0;

	re->stack[sp++] = (uint16_t)pc;
	while (sp) {
		uint16_t p = re->stack[--sp];
		const struct inst *in = &re->prog[p];

		if (re->mark[p] == re->gen)
			continue;
		re->mark[p] = re->gen;
		switch (in->op) {
		case I_SET:
			list[(*ln)++] = p;
			break;
		case I_MATCH:
			re->matched = true;
			break;
		case I_JMP:
			re->stack[sp++] = in->x;
			break;
		case I_SPLIT:
			re->stack[sp++] = in->y;
			re->stack[sp++] = in->x;
			break;
		case I_BOL:
			if (bol)
				re->stack[sp++] = (uint16_t)(p + 1);
			break;
		default: /* I_EOL */
			if (eol)
				re->stack[sp++] = (uint16_t)(p + 1);
			else
				re->eol[re->neol++] = p;
		}
	}
}

void ere_start(struct ere *re)
{
	re->pos = 0;
	re->matched = false;
	re->ncur = re->neol = 0;
	next_gen(re);
	closure(re, 0, re->cur, &re->ncur, true, false);
}

bool ere_feed(struct ere *re, const uint8_t *buf, size_t n)
{
	size_t i, k;

	for (i = 0; i < n && !re->matched; i++) {
		size_t nn = 0;
		uint16_t *t;

		next_gen(re);
		re->neol = 0;
		for (k = 0; k < re->ncur; k++)
			if (has(re->sets[re->prog[re->cur[k]].x], buf[i]))
				closure(re, re->cur[k] + 1u, re->next, &nn, false, false);
		closure(re, 0, re->next, &nn, false, false); /* a match may start here */
		t = re->cur;
		re->cur = re->next;
		re->next = t;
		re->ncur = nn;
		re->pos++;
	}
	return re->matched;
}

bool ere_end(struct ere *re)
{
	size_t k, nn = 0;

	if (re->matched)
		return true;
	next_gen(re);
	for (k = 0; k < re->neol; k++)
		closure(re, re->eol[k] + 1u, re->next, &nn, re->pos == 0, true);
	return re->matched;
}

bool ere_match(struct ere *re, const uint8_t *text, size_t n)
{
	ere_start(re);
	ere_feed(re, text, n);
	return ere_end(re);
}
