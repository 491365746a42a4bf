// Internal pieces shared by the scenario sources.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace dorsum {

// TOML text -> JSON (keys in the file's order); InputError naming `source` if it does not parse.
nlohmann::ordered_json parseScenarioToml(const std::string& text, const std::string& source);

namespace scenario {
const std::map<std::string, std::string_view>& embeddedFiles();  // embedded_scenarios.cpp

// Throws InputError naming the key path for anything the schema does not allow.
void validate(const nlohmann::ordered_json& doc, const std::string& source);
// Every key path the schema allows in this document ("posture.technique", ...).
std::vector<std::string> keyPaths(const nlohmann::ordered_json& doc);
}  // namespace scenario

}  // namespace dorsum
