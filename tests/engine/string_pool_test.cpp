// runtime::StringPool: the interning table every user id and string value goes through.
// Ids are dense in first-appearance order, a string interned again gets its id back,
// and find / find_many agree with intern, around the 12 bytes a key holds inline and
// for long strings; strings that differ only in their size, their last byte or a zero
// byte.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "runtime/value_pools.h"

namespace scorec::runtime {
namespace {

std::vector<std::string> tricky_strings() {
  std::vector<std::string> out;
  for (size_t n = 0; n <= 40; ++n) {
    out.push_back(std::string(n, 'x'));
    if (n > 0) out.push_back(std::string(n - 1, 'x') + 'y');
    if (n > 1) out.push_back(std::string(n - 2, 'x') + '\0' + 'x');
    if (n > 0) out.push_back(std::string(n, '\xff'));
  }
  out.push_back(std::string(70000, 'a'));
  out.push_back(std::string(69999, 'a') + 'b');
  out.push_back(std::string(70001, 'a'));
  out.push_back(std::string(65535, 'a'));
  for (int i = 0; i < 100000; ++i) out.push_back("u" + std::to_string(i));  // grows the table
  return out;
}

TEST(StringPool, InternFindAndFindManyAgree) {
  const auto strings = tricky_strings();
  StringPool pool;
  for (size_t i = 0; i < strings.size(); ++i) ASSERT_EQ(pool.intern(strings[i]), i) << i;
  ASSERT_EQ(pool.size(), strings.size());
  std::vector<std::string_view> views(strings.begin(), strings.end());
  const std::string twelve_and_z = std::string(12, 'x') + "z";
  views.push_back("not interned");
  views.push_back(std::string_view("x\0", 2));
  views.push_back(twelve_and_z);
  std::vector<uint32_t> found(views.size());
  pool.find_many(views, found.data());
  for (size_t i = 0; i < strings.size(); ++i) {
    EXPECT_EQ(pool.get(static_cast<uint32_t>(i)), strings[i]) << i;
    EXPECT_EQ(pool.find(strings[i]), static_cast<int64_t>(i)) << i;
    EXPECT_EQ(found[i], i) << i;
    EXPECT_EQ(pool.intern(strings[i]), i) << i;  // again: the same id, nothing added
  }
  for (size_t i = strings.size(); i < views.size(); ++i) {
    EXPECT_EQ(pool.find(views[i]), -1) << i;
    EXPECT_EQ(found[i], StringPool::kNone) << i;
  }
  EXPECT_EQ(pool.size(), strings.size());
  StringPool copy(pool);  // a copy re-interns into its own arena: the same ids
  for (size_t i = 0; i < strings.size(); i += 997) EXPECT_EQ(copy.find(strings[i]), static_cast<int64_t>(i));
}

}  // namespace
}  // namespace scorec::runtime
