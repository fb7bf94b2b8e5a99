// YAML text to JSON for training configs (split from config.cpp so the YAML
// fuzz target builds without the rest of the trainer's configuration code).
#include <yaml-cpp/yaml.h>

#include "core/error.h"
#include "core/limits.h"
#include "core/strings.h"
#include "train/loop/config/config.h"

namespace upt::train {
namespace {

Json ScalarToJson(const YAML::Node& node) {
  const std::string& s = node.Scalar();
  if (node.Tag() == "!") return Json(s);  // quoted: always a string
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return Json(nullptr);
  if (s == "true" || s == "True" || s == "TRUE") return Json(true);
  if (s == "false" || s == "False" || s == "FALSE") return Json(false);
  long long i = 0;
  if (ParseInt64(s, &i)) return Json(i);
  double d = 0;
  bool numeric_chars = s.find_first_not_of("0123456789+-.eE") == std::string::npos;
  if (numeric_chars && ParseDouble(s, &d)) return Json(d);
  if (s == ".inf" || s == "+.inf") return Json(INFINITY);
  if (s == "-.inf") return Json(-INFINITY);
  return Json(s);
}

// Expansion budget: aliases share nodes in yaml-cpp but are copied here, so an
// alias bomb ("billion laughs") is stopped by counting copied nodes and depth.
struct YamlBudget {
  long long nodes = 0;
  int depth = 0;
};

Json NodeToJson(const YAML::Node& node, const std::string& prefix,
                std::vector<std::pair<std::string, int>>* lines, const std::string& file, YamlBudget* budget) {
  const std::string at = Where(file, node.Mark().line + 1, prefix);
  CheckLimit(kMaxYamlNodes, ++budget->nodes, at);
  CheckLimit(kMaxYamlDepth, budget->depth + 1, at);
  struct Nest {
    YamlBudget* b;
    explicit Nest(YamlBudget* x) : b(x) { ++b->depth; }
    ~Nest() { --b->depth; }
  } nest(budget);
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      Json obj = Json::object();
      for (const auto& kv : node) {
        std::string key = kv.first.as<std::string>();
        std::string dotted = prefix.empty() ? key : prefix + "." + key;
        if (obj.contains(key))
          throw Error("duplicate key '" + dotted + "'", Where(file, kv.first.Mark().line + 1));
        if (lines) lines->push_back({dotted, kv.first.Mark().line + 1});
        obj[key] = NodeToJson(kv.second, dotted, lines, file, budget);
      }
      return obj;
    }
    case YAML::NodeType::Sequence: {
      Json arr = Json::array();
      for (const auto& item : node) arr.push_back(NodeToJson(item, prefix, nullptr, file, budget));
      return arr;
    }
    case YAML::NodeType::Scalar:
      return ScalarToJson(node);
    default:
      return Json(nullptr);
  }
}

}  // namespace

Json YamlToJson(const std::string& yaml_text, const std::string& file,
                std::vector<std::pair<std::string, int>>* lines) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    throw Error("invalid YAML: " + e.msg, Where(file, e.mark.line + 1), "check indentation and quoting");
  }
  if (root.IsNull()) return Json::object();
  if (!root.IsMap()) throw Error("a config must be a mapping of keys to values", file);
  YamlBudget budget;
  return NodeToJson(root, "", lines, file, &budget);
}

}  // namespace upt::train
