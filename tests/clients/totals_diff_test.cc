#include "clients/totals_diff.h"

#include <gtest/gtest.h>

#include "uuro/v1/audit.pb.h"

namespace uuro::client {
namespace {

v1::RoundTotals Round() {
  v1::RoundTotals t;
  t.set_round_id(12);
  t.set_awarded(290);
  t.set_tree_size(40);
  auto* d = t.add_districts();
  d->set_district("harbour");
  d->mutable_totals()->set_awarded(7);
  auto* i = t.add_initiatives();
  i->set_initiative_id(9);
  i->mutable_totals()->set_withdrawn(1);
  return t;
}

TEST(TotalsDiffTest, EqualIsNothing) {
  EXPECT_EQ(FirstDifference(Round(), Round()), std::nullopt);
}

TEST(TotalsDiffTest, NamesTheFirstField) {
  v1::RoundTotals server = Round();
  server.set_awarded(300);
  server.set_lapsed(5);
  EXPECT_EQ(FirstDifference(server, Round()),
            "awarded is 300 on the server, 290 replayed");
}

TEST(TotalsDiffTest, IgnoresWhatItIsTold) {
  v1::RoundTotals server = Round();
  server.set_tree_size(41);
  EXPECT_EQ(FirstDifference(server, Round(), {"tree_size"}), std::nullopt);
  EXPECT_NE(FirstDifference(server, Round()), std::nullopt);
}

TEST(TotalsDiffTest, NamesLinesByTheirKey) {
  v1::RoundTotals server = Round();
  server.mutable_districts(0)->mutable_totals()->set_awarded(8);
  EXPECT_EQ(FirstDifference(server, Round()),
            "districts[harbour].totals.awarded is 8 on the server, 7 replayed");
  server = Round();
  server.mutable_initiatives(0)->mutable_totals()->set_withdrawn(0);
  EXPECT_EQ(FirstDifference(server, Round()),
            "initiatives[9].totals.withdrawn is 0 on the server, 1 replayed");
  server = Round();
  server.add_districts()->set_district("hills");
  EXPECT_EQ(FirstDifference(server, Round()),
            "districts has 2 lines on the server, 1 replayed");
}

}  // namespace
}  // namespace uuro::client
