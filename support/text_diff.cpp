#include "support/text_diff.h"

#include <algorithm>

#include <fmt/format.h>

namespace scorec {
namespace {

std::vector<std::string> split_lines(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < s.size()) {
    size_t nl = s.find('\n', start);
    if (nl == std::string::npos) {
      out.push_back(s.substr(start));
      break;
    }
    out.push_back(s.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

}  // namespace

std::vector<DiffLine> diff_lines(const std::string& a_text, const std::string& b_text) {
  std::vector<std::string> a = split_lines(a_text), b = split_lines(b_text);
  // Common prefix and suffix first: formatting diffs are usually small.
  size_t pre = 0;
  while (pre < a.size() && pre < b.size() && a[pre] == b[pre]) ++pre;
  size_t suf = 0;
  while (suf < a.size() - pre && suf < b.size() - pre && a[a.size() - 1 - suf] == b[b.size() - 1 - suf]) ++suf;
  const long n = static_cast<long>(a.size() - pre - suf), m = static_cast<long>(b.size() - pre - suf);
  auto A = [&](long i) -> const std::string& { return a[pre + static_cast<size_t>(i)]; };
  auto B = [&](long j) -> const std::string& { return b[pre + static_cast<size_t>(j)]; };

  // Myers: v[k] = the furthest x on diagonal k after d edits; keep each d's v to walk back.
  const long max = n + m, off = max + 1;
  std::vector<long> v(static_cast<size_t>(2 * max + 3), 0);
  std::vector<std::vector<long>> trace;
  long found_d = 0;
  for (long d = 0; d <= max; ++d) {
    trace.push_back(v);
    bool done = false;
    for (long k = -d; k <= d; k += 2) {
      long x = (k == -d || (k != d && v[k - 1 + off] < v[k + 1 + off])) ? v[k + 1 + off] : v[k - 1 + off] + 1;
      long y = x - k;
      while (x < n && y < m && A(x) == B(y)) ++x, ++y;
      v[k + off] = x;
      if (x >= n && y >= m) {
        done = true;
        break;
      }
    }
    if (done) {
      found_d = d;
      break;
    }
  }

  std::vector<DiffLine> rev;  // built backwards
  long x = n, y = m;
  for (long d = found_d; d > 0; --d) {
    const std::vector<long>& pv = trace[static_cast<size_t>(d)];
    long k = x - y;
    long pk = (k == -d || (k != d && pv[k - 1 + off] < pv[k + 1 + off])) ? k + 1 : k - 1;
    long px = pv[pk + off], py = px - pk;
    while (x > px && y > py) rev.push_back({DiffLine::Same, A(--x)}), --y;
    if (x == px) rev.push_back({DiffLine::Added, B(--y)});
    else rev.push_back({DiffLine::Removed, A(--x)});
  }
  while (x > 0 && y > 0) rev.push_back({DiffLine::Same, A(--x)}), --y;

  std::vector<DiffLine> out;
  for (size_t i = 0; i < pre; ++i) out.push_back({DiffLine::Same, a[i]});
  // Within a change, removals before additions (the walk back may interleave them).
  std::vector<DiffLine> mid(rev.rbegin(), rev.rend());
  for (size_t i = 0; i < mid.size();) {
    if (mid[i].kind == DiffLine::Same) {
      out.push_back(mid[i++]);
      continue;
    }
    size_t j = i;
    while (j < mid.size() && mid[j].kind != DiffLine::Same) ++j;
    for (size_t k = i; k < j; ++k)
      if (mid[k].kind == DiffLine::Removed) out.push_back(mid[k]);
    for (size_t k = i; k < j; ++k)
      if (mid[k].kind == DiffLine::Added) out.push_back(mid[k]);
    i = j;
  }
  for (size_t i = a.size() - suf; i < a.size(); ++i) out.push_back({DiffLine::Same, a[i]});
  return out;
}

std::string unified_diff(const std::string& a, const std::string& b, const std::string& a_name,
                         const std::string& b_name, int context) {
  if (a == b) return "";
  std::vector<DiffLine> d = diff_lines(a, b);
  const size_t na = split_lines(a).size(), nb = split_lines(b).size();
  const bool a_nl = a.empty() || a.back() == '\n', b_nl = b.empty() || b.back() == '\n';
  // Line numbers (0-based) of each diff line in a and in b.
  std::vector<size_t> ai(d.size()), bi(d.size());
  size_t ca = 0, cb = 0;
  for (size_t i = 0; i < d.size(); ++i) {
    ai[i] = ca;
    bi[i] = cb;
    if (d[i].kind != DiffLine::Added) ++ca;
    if (d[i].kind != DiffLine::Removed) ++cb;
  }
  // A last line whose only difference is the missing line break counts as changed.
  if (a_nl != b_nl && !d.empty()) {
    for (size_t i = d.size(); i-- > 0;) {
      if (d[i].kind == DiffLine::Same && ai[i] + 1 == na && bi[i] + 1 == nb) {
        DiffLine removed{DiffLine::Removed, d[i].text}, added{DiffLine::Added, d[i].text};
        d[i] = removed;
        d.insert(d.begin() + static_cast<long>(i) + 1, added);
        ai.insert(ai.begin() + static_cast<long>(i) + 1, ai[i] + 1);
        bi.insert(bi.begin() + static_cast<long>(i) + 1, bi[i]);
        break;
      }
    }
  }

  std::string out = fmt::format("--- {}\n+++ {}\n", a_name, b_name);
  const size_t ctx = static_cast<size_t>(std::max(0, context));
  size_t i = 0;
  while (i < d.size()) {
    while (i < d.size() && d[i].kind == DiffLine::Same) ++i;
    if (i == d.size()) break;
    size_t start = i >= ctx ? i - ctx : 0;
    // Extend the hunk while the next change is within 2 * context lines.
    size_t end = i;
    for (;;) {
      while (end < d.size() && d[end].kind != DiffLine::Same) ++end;
      size_t same = end;
      while (same < d.size() && d[same].kind == DiffLine::Same) ++same;
      if (same < d.size() && same - end <= 2 * ctx) {
        end = same;
        continue;
      }
      end = std::min(d.size(), end + ctx);
      break;
    }
    size_t a_len = 0, b_len = 0;
    for (size_t k = start; k < end; ++k) {
      if (d[k].kind != DiffLine::Added) ++a_len;
      if (d[k].kind != DiffLine::Removed) ++b_len;
    }
    size_t a_start = a_len ? ai[start] + 1 : ai[start];
    size_t b_start = b_len ? bi[start] + 1 : bi[start];
    out += fmt::format("@@ -{},{} +{},{} @@\n", a_start, a_len, b_start, b_len);
    for (size_t k = start; k < end; ++k) {
      char c = d[k].kind == DiffLine::Same ? ' ' : d[k].kind == DiffLine::Removed ? '-' : '+';
      out += c + d[k].text + "\n";
      bool last_a = d[k].kind != DiffLine::Added && ai[k] + 1 == na && !a_nl;
      bool last_b = d[k].kind != DiffLine::Removed && bi[k] + 1 == nb && !b_nl;
      if ((d[k].kind == DiffLine::Removed && last_a) || (d[k].kind == DiffLine::Added && last_b) ||
          (d[k].kind == DiffLine::Same && (last_a || last_b)))
        out += "\\ No newline at end of file\n";
    }
    i = end;
  }
  return out;
}

}  // namespace scorec
