// Shared rows of the update-step tests (micro_batch_test, update_zero_test): a
// training step's rows over 4 questions with ragged prompts and responses.
#pragma once

#include <vector>

#include "train/loop/rows.h"
#include "train/upge/hpt_route.h"

namespace upt::train::testing {

// 4 questions: 4 rollouts (rewards 1,0,0,1), 1 SFT demonstration, 4 rollouts
// (0,1,1,1), 4 rollouts (1,0,1,0); ragged lengths.
inline std::vector<StepRow> MakeRows(const std::vector<int>& questions = {0, 1, 2, 3}) {
  const std::vector<std::vector<double>> rewards = {{1, 0, 0, 1}, {}, {0, 1, 1, 1}, {1, 0, 1, 0}};
  std::vector<StepRow> rows;
  for (int q : questions) {
    std::vector<int32_t> prompt;
    for (int j = 0; j < 3 + q; ++j) prompt.push_back(5 + (q * 3 + j) % 17);
    auto row = [&](int salt, int len) {
      StepRow r;
      r.question = q;
      r.prompt = prompt;
      for (int t = 0; t < len; ++t) r.response.push_back(4 + (salt * 5 + t * 3 + q) % 19);
      return r;
    };
    if (rewards[q].empty()) {
      StepRow d = row(9, 7);
      d.is_demo = true;
      d.demo_loss = kDemoLossSft;
      d.reward = 1.0;
      rows.push_back(d);
      continue;
    }
    for (int j = 0; j < 4; ++j) {
      StepRow r = row(j, 2 + (j * 3 + q) % 5);
      r.reward = rewards[q][j];
      rows.push_back(r);
    }
  }
  return rows;
}

}  // namespace upt::train::testing
