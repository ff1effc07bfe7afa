// IdentityMap (runtime/io/identity_map.h): links in input order, the first link of an
// id wins, chains end at a user id, no cycles.
#include "runtime/io/identity_map.h"

#include <gtest/gtest.h>

namespace scorec::runtime {
namespace {

using Linked = IdentityMap::Linked;

TEST(IdentityMap, ResolvesChainsToTheirEnd) {
  IdentityMap m;
  EXPECT_EQ(m.resolve("a1"), "a1");
  EXPECT_EQ(m.link("a1", "u1"), Linked::Merged);
  EXPECT_EQ(m.link("u1", "u2"), Linked::Merged);  // alias u1 -> u2
  EXPECT_EQ(m.link("a2", "a1"), Linked::Merged);
  for (const char* id : {"a1", "a2", "u1", "u2"}) EXPECT_EQ(m.resolve(id), "u2") << id;
  EXPECT_EQ(m.resolve("u3"), "u3");
  ASSERT_EQ(m.links().size(), 3u);
  EXPECT_EQ(m.links()[1].from, "u1");
  EXPECT_EQ(m.links()[1].to, "u2");
}

TEST(IdentityMap, TheFirstLinkOfAnIdWins) {
  IdentityMap m;
  EXPECT_EQ(m.link("a1", "u1"), Linked::Merged);
  EXPECT_EQ(m.link("a1", "u2"), Linked::Conflict);  // a shared device
  EXPECT_EQ(m.resolve("a1"), "u1");
  EXPECT_EQ(m.resolve("u2"), "u2");
  EXPECT_EQ(m.link("a1", "u1"), Linked::Known);  // again
  EXPECT_EQ(m.link("u1", "a1"), Linked::Known);  // the other way: one person already
  EXPECT_EQ(m.link("x", "x"), Linked::Known);
  EXPECT_EQ(m.links().size(), 1u);
}

TEST(IdentityMap, NeverMakesACycle) {
  IdentityMap m;
  EXPECT_EQ(m.link("a", "b"), Linked::Merged);
  EXPECT_EQ(m.link("b", "c"), Linked::Merged);
  EXPECT_EQ(m.link("c", "a"), Linked::Known);  // c is a's end already
  EXPECT_EQ(m.resolve("a"), "c");
  EXPECT_EQ(m.resolve("c"), "c");
}

TEST(IdentityMap, ApplyLinksCounts) {
  IdentityMap m;
  IdentityCounts c = apply_links(m, {{"a1", "u1"}, {"a1", "u2"}, {"a1", "u1"}, {"a2", "u2"}});
  EXPECT_EQ(c.merged, 2u);
  EXPECT_EQ(c.conflicts, 1u);
}

}  // namespace
}  // namespace scorec::runtime
