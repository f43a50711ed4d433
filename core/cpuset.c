#include "cpuset.h"

#include <stdio.h>
#include <string.h>

#define VT_CPUSET_WORDS (VT_CPUSET_MAX / 64)
#define VT_HEX_GROUPS_MAX (VT_CPUSET_MAX / 32)

void vt_cpuset_clear(vt_cpuset *s)
{
    memset(s, 0, sizeof(*s));
}

void vt_cpuset_set(vt_cpuset *s, unsigned cpu)
{
    if (cpu < VT_CPUSET_MAX)
        s->w[cpu / 64] |= UINT64_C(1) << (cpu % 64);
}

void vt_cpuset_unset(vt_cpuset *s, unsigned cpu)
{
    if (cpu < VT_CPUSET_MAX)
        s->w[cpu / 64] &= ~(UINT64_C(1) << (cpu % 64));
}

bool vt_cpuset_has(const vt_cpuset *s, unsigned cpu)
{
    if (cpu >= VT_CPUSET_MAX)
        return false;
    return (s->w[cpu / 64] >> (cpu % 64)) & 1;
}

unsigned vt_cpuset_count(const vt_cpuset *s)
{
    unsigned n = 0;

    for (size_t i = 0; i < VT_CPUSET_WORDS; i++)
        n += (unsigned)__builtin_popcountll(s->w[i]);
    return n;
}

bool vt_cpuset_is_empty(const vt_cpuset *s)
{
    for (size_t i = 0; i < VT_CPUSET_WORDS; i++)
        if (s->w[i])
            return false;
    return true;
}

int vt_cpuset_last(const vt_cpuset *s)
{
    for (size_t i = VT_CPUSET_WORDS; i-- > 0;)
        if (s->w[i])
            return (int)(i * 64 + 63 - (size_t)__builtin_clzll(s->w[i]));
    return -1;
}

bool vt_cpuset_equal(const vt_cpuset *a, const vt_cpuset *b)
{
    return memcmp(a->w, b->w, sizeof(a->w)) == 0;
}

bool vt_cpuset_intersects(const vt_cpuset *a, const vt_cpuset *b)
{
    for (size_t i = 0; i < VT_CPUSET_WORDS; i++)
        if (a->w[i] & b->w[i])
            return true;
    return false;
}

void vt_cpuset_or(vt_cpuset *dst, const vt_cpuset *src)
{
    for (size_t i = 0; i < VT_CPUSET_WORDS; i++)
        dst->w[i] |= src->w[i];
}

void vt_cpuset_and(vt_cpuset *dst, const vt_cpuset *src)
{
    for (size_t i = 0; i < VT_CPUSET_WORDS; i++)
        dst->w[i] &= src->w[i];
}

void vt_cpuset_andnot(vt_cpuset *dst, const vt_cpuset *src)
{
    for (size_t i = 0; i < VT_CPUSET_WORDS; i++)
        dst->w[i] &= ~src->w[i];
}

bool vt_cpuset_subset(const vt_cpuset *a, const vt_cpuset *b)
{
    for (size_t i = 0; i < VT_CPUSET_WORDS; i++)
        if (a->w[i] & ~b->w[i])
            return false;
    return true;
}

enum num_result { NUM_OK, NUM_BAD, NUM_RANGE };

/* Decimal CPU id over [s, s+n). Saturates instead of overflowing so that
 * "99999999999999999999" is reported as out of range, not as garbage. */
static enum num_result parse_cpu(const char *s, size_t n, unsigned *out)
{
    unsigned long v = 0;

    if (n == 0)
        return NUM_BAD;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return NUM_BAD;
        if (v < VT_CPUSET_MAX)
            v = v * 10 + (unsigned long)(s[i] - '0');
    }
    if (v >= VT_CPUSET_MAX)
        return NUM_RANGE;
    *out = (unsigned)v;
    return NUM_OK;
}

/* Report a failed parse_cpu() for the number [num, num+n) inside item. */
static void cpu_error(vt_err *err, enum num_result r, const char *item, size_t item_len,
                      const char *num, size_t n)
{
    if (r == NUM_RANGE)
        vt_err_set(err, _("CPU %s is out of range (max %d)"), VT_QUOTE(num, n), VT_CPUSET_MAX - 1);
    else if (n == 0)
        vt_err_set(err, _("invalid CPU set item \"%s\": missing CPU number"),
                   VT_QUOTE(item, item_len));
    else
        vt_err_set(err, _("invalid CPU set item \"%s\": \"%s\" is not a CPU number"),
                   VT_QUOTE(item, item_len), VT_QUOTE(num, n));
}

/* One item "N", "N-M" or "^N", applied to *set. */
static int parse_item(const char *item, size_t len, vt_cpuset *set, vt_err *err)
{
    const char *dash, *hi_s;
    size_t lo_len, hi_len;
    enum num_result r;
    unsigned lo, hi;

    if (item[0] == '^') {
        const char *num = item + 1;
        size_t n = len - 1;

        /* A dash after the first digit means a range; "^-1" is just a
         * bad number. */
        if (n > 1 && memchr(num + 1, '-', n - 1)) {
            vt_err_set(err, _("\"%s\": only a single CPU can be excluded"), VT_QUOTE(item, len));
            return -1;
        }
        r = parse_cpu(num, n, &lo);
        if (r != NUM_OK) {
            cpu_error(err, r, item, len, num, n);
            return -1;
        }
        vt_cpuset_unset(set, lo);
        return 0;
    }

    dash = memchr(item, '-', len);
    if (!dash) {
        r = parse_cpu(item, len, &lo);
        if (r != NUM_OK) {
            cpu_error(err, r, item, len, item, len);
            return -1;
        }
        vt_cpuset_set(set, lo);
        return 0;
    }

    lo_len = (size_t)(dash - item);
    hi_s = dash + 1;
    hi_len = len - lo_len - 1;
    r = parse_cpu(item, lo_len, &lo);
    if (r != NUM_OK) {
        cpu_error(err, r, item, len, item, lo_len);
        return -1;
    }
    r = parse_cpu(hi_s, hi_len, &hi);
    if (r != NUM_OK) {
        cpu_error(err, r, item, len, hi_s, hi_len);
        return -1;
    }
    if (lo > hi) {
        vt_err_set(err, _("invalid CPU range \"%s\": start is after end"), VT_QUOTE(item, len));
        return -1;
    }
    for (unsigned c = lo; c <= hi; c++)
        vt_cpuset_set(set, c);
    return 0;
}

int vt_cpuset_parse(const char *str, vt_cpuset *out, vt_err *err)
{
    vt_cpuset set;
    const char *p;
    unsigned idx = 1;

    if (!str || !*str) {
        vt_err_set(err, _("empty CPU set"));
        return -1;
    }

    /* Build into a local so a bad string leaves *out untouched. */
    vt_cpuset_clear(&set);
    p = str;
    for (;;) {
        size_t len = strcspn(p, ",");

        if (len == 0) {
            vt_err_set(err, _("invalid CPU set \"%s\": item %u is empty"), VT_QUOTE(str, strlen(str)),
                       idx);
            return -1;
        }
        if (parse_item(p, len, &set, err) < 0)
            return -1;
        if (p[len] == '\0')
            break;
        p += len + 1;
        idx++;
    }

    if (vt_cpuset_is_empty(&set)) {
        vt_err_set(err, _("CPU set \"%s\" contains no CPUs"), VT_QUOTE(str, strlen(str)));
        return -1;
    }
    *out = set;
    return 0;
}

char *vt_cpuset_format(const vt_cpuset *s)
{
    vt_buf b = {0};
    unsigned cpu = 0;

    while (cpu < VT_CPUSET_MAX) {
        unsigned end;

        if (!s->w[cpu / 64]) {
            /* Sets are usually small and sparse; skip empty words. */
            cpu = (cpu / 64 + 1) * 64;
            continue;
        }
        if (!vt_cpuset_has(s, cpu)) {
            cpu++;
            continue;
        }
        end = cpu;
        while (end + 1 < VT_CPUSET_MAX && vt_cpuset_has(s, end + 1))
            end++;
        if (b.len)
            vt_buf_add(&b, ",");
        if (end == cpu)
            vt_buf_addf(&b, "%u", cpu);
        else
            vt_buf_addf(&b, "%u-%u", cpu, end);
        cpu = end + 1;
    }
    return vt_buf_steal(&b);
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* 32-bit group g holds CPUs 32g .. 32g+31. */
static uint32_t get_group(const vt_cpuset *s, unsigned g)
{
    return (uint32_t)(s->w[g / 2] >> (32 * (g % 2)));
}

static void set_group(vt_cpuset *s, unsigned g, uint32_t v)
{
    s->w[g / 2] |= (uint64_t)v << (32 * (g % 2));
}

int vt_hexmask_parse(const char *str, vt_cpuset *out, vt_err *err)
{
    vt_cpuset set;
    size_t len, ngroups = 1;
    const char *p;
    unsigned idx;

    if (!str) {
        vt_err_set(err, _("empty hex mask"));
        return -1;
    }
    len = strlen(str);
    if (len > 0 && str[len - 1] == '\n')
        len--;
    if (len == 0) {
        vt_err_set(err, _("empty hex mask"));
        return -1;
    }

    for (size_t i = 0; i < len; i++)
        if (str[i] == ',')
            ngroups++;
    if (ngroups > VT_HEX_GROUPS_MAX) {
        vt_err_set(err, _("hex mask has %zu groups, more than %d"), ngroups, VT_HEX_GROUPS_MAX);
        return -1;
    }

    vt_cpuset_clear(&set);
    p = str;
    for (idx = 1; idx <= ngroups; idx++) {
        const char *end = memchr(p, ',', (size_t)(str + len - p));
        size_t glen = end ? (size_t)(end - p) : (size_t)(str + len - p);
        uint32_t v = 0;

        if (glen == 0) {
            vt_err_set(err, _("hex mask \"%s\": group %u of %zu is empty"), VT_QUOTE(str, len), idx,
                       ngroups);
            return -1;
        }
        for (size_t i = 0; i < glen; i++) {
            int d = hex_digit(p[i]);
            char cn[8];

            if (d < 0) {
                vt_err_set(err, _("hex group \"%s\" has a non-hex character %s"), VT_QUOTE(p, glen),
                           vt_char_name(p[i], cn));
                return -1;
            }
            v = (v << 4) | (uint32_t)d;
        }
        /* Checked after the characters so "0x3" reads as a bad 'x'. */
        if (glen > 8) {
            vt_err_set(err, _("hex group \"%s\" has more than 8 digits"), VT_QUOTE(p, glen));
            return -1;
        }
        set_group(&set, (unsigned)(ngroups - idx), v);
        p += glen + 1;
    }

    *out = set;
    return 0;
}

char *vt_hexmask_format(const vt_cpuset *s, unsigned ncpus)
{
    vt_buf b = {0};
    unsigned ngroups, top_bits;

    /* The set cannot hold more; more groups would not parse back. */
    if (ncpus > VT_CPUSET_MAX)
        ncpus = VT_CPUSET_MAX;
    if (ncpus == 0)
        return vt_buf_steal(&b);

    ngroups = (ncpus + 31) / 32;
    top_bits = ncpus - (ngroups - 1) * 32;
    for (unsigned g = ngroups; g-- > 0;) {
        uint32_t v = get_group(s, g);

        if (g == ngroups - 1) {
            if (top_bits < 32)
                v &= (UINT32_C(1) << top_bits) - 1;
            vt_buf_addf(&b, "%0*x", (int)((top_bits + 3) / 4), (unsigned)v);
        } else {
            vt_buf_addf(&b, ",%08x", (unsigned)v);
        }
    }
    return vt_buf_steal(&b);
}
