// Reading the embedded anatomy files with messages that name the file and key at fault.
#pragma once

#include <string>
#include <toml.hpp>
#include <vector>

#include "dorsum/spec.hpp"

namespace dorsum::anatomy {

// One parsed data file and the dotted path of a table inside it, for messages.
struct Table {
  const toml::value* value = nullptr;
  std::string where;  // "spine.toml [joints.L4_L5]"

  bool has(const std::string& key) const;
  Table at(const std::string& key) const;
  double number(const std::string& key) const;
  double numberOr(const std::string& key, double fallback) const;
  std::string text(const std::string& key) const;
  Vec3 vec3(const std::string& key) const;
  std::vector<std::string> keys() const;                   // sorted by name
  std::vector<Table> array(const std::string& key) const;  // an array of tables
  const toml::value& raw(const std::string& key) const;
};

// Parses an embedded file once per call; throws Error naming the file on a syntax error.
toml::value parseDataFile(const std::string& name);
Table root(const toml::value& file, const std::string& name);

}  // namespace dorsum::anatomy
