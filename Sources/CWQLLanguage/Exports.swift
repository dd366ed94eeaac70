@_exported import Suggestions
