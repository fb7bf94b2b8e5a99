#include "train/upge/hpt_route.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace upt::train {
namespace {

TEST(HptRouteTest, AllWrongIsSftAllCorrectStaysRl) {
  auto r = RouteHpt({0, 8}, HptRouteOptions{});
  ASSERT_EQ(r.routes.size(), 2u);
  EXPECT_EQ(r.routes[0], HptRoute::kDemoSft);
  EXPECT_EQ(r.routes[1], HptRoute::kRl);
  ASSERT_EQ(r.rows.size(), 9u);  // 1 demo + 8 rollouts
  EXPECT_TRUE(r.rows[0].is_demo);
  EXPECT_EQ(r.rows[0].question, 0);
  EXPECT_EQ(r.rows[0].rollout, -1);
  EXPECT_EQ(r.rows[0].demo_loss, kDemoLossSft);
  for (int i = 0; i < 8; ++i) {
    EXPECT_FALSE(r.rows[1 + i].is_demo);
    EXPECT_EQ(r.rows[1 + i].question, 1);
    EXPECT_EQ(r.rows[1 + i].rollout, i);
  }
  EXPECT_EQ(r.rl_questions, 1);
  EXPECT_EQ(r.demo_questions, 1);
  EXPECT_DOUBLE_EQ(r.offline_data_ratio, 1.0 / 9.0);
}

TEST(HptRouteTest, ExactlyAtTheGateIsSftJustAboveIsRl) {
  HptRouteOptions o;
  o.switch_gate = 2;
  auto r = RouteHpt({2, 3, 0, 1}, o);
  EXPECT_EQ(r.routes[0], HptRoute::kDemoSft);
  EXPECT_EQ(r.routes[1], HptRoute::kRl);
  EXPECT_EQ(r.routes[2], HptRoute::kDemoSft);
  EXPECT_EQ(r.routes[3], HptRoute::kDemoSft);
  EXPECT_EQ(r.rows.size(), 3u + 8u);
  EXPECT_DOUBLE_EQ(r.offline_data_ratio, 3.0 / 11.0);
}

TEST(HptRouteTest, GateZeroKeepsOneCorrectInRl) {
  auto r = RouteHpt({1}, HptRouteOptions{});
  EXPECT_EQ(r.routes[0], HptRoute::kRl);
  EXPECT_DOUBLE_EQ(r.offline_data_ratio, 0.0);
}

TEST(HptRouteTest, OffPolicyBandBetweenTheGates) {
  HptRouteOptions o;
  o.switch_gate = 1;
  o.switch_gate_off = 3;
  auto r = RouteHpt({1, 2, 3, 4}, o);
  EXPECT_EQ(r.routes[0], HptRoute::kDemoSft);
  EXPECT_EQ(r.routes[1], HptRoute::kDemoOff);
  EXPECT_EQ(r.routes[2], HptRoute::kDemoOff);
  EXPECT_EQ(r.routes[3], HptRoute::kRl);
  EXPECT_EQ(r.rows[1].demo_loss, kDemoLossOff);
}

TEST(HptRouteTest, OfflineLearnerAblations) {
  HptRouteOptions o;
  o.offline_learner = "off";
  EXPECT_EQ(RouteHpt({0}, o).rows[0].demo_loss, kDemoLossOff);
  o.offline_learner = "mix";
  EXPECT_EQ(RouteHpt({0}, o).rows[0].demo_loss, kDemoLossSft | kDemoLossOff);
  EXPECT_EQ(RouteHpt({0}, o).routes[0], HptRoute::kDemoMix);
}

TEST(HptRouteTest, RejectsBadCountsAndOptions) {
  EXPECT_THROW(RouteHpt({9}, HptRouteOptions{}), Error);
  EXPECT_THROW(RouteHpt({-1}, HptRouteOptions{}), Error);
  HptRouteOptions o;
  o.switch_gate = 3;
  o.switch_gate_off = 2;
  EXPECT_THROW(RouteHpt({0}, o), Error);
  o = HptRouteOptions{};
  o.offline_learner = "rl";
  try {
    RouteHpt({0}, o);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(e.hint().find("mix, off, sft"), std::string::npos);
  }
}

TEST(HptRouteTest, EmptyBatch) {
  auto r = RouteHpt({}, HptRouteOptions{});
  EXPECT_TRUE(r.rows.empty());
  EXPECT_EQ(r.offline_data_ratio, 0.0);
}

}  // namespace
}  // namespace upt::train
