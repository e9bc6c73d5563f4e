import TuopinCore
import Vapor

/// A table as a download: CSV with a BOM (Excel opens it as UTF-8) or XLSX.
enum TableDownload {
    /// A sheet's title row: what the table is, then the day it was exported (Beijing time).
    static func title(_ req: Request, _ parts: [String]) -> String {
        (parts.filter { !$0.isEmpty } + [req.t.format("exported_on", req.clock.today.description)])
            .joined(separator: " · ")
    }

    /// `title` (unit, year, table, date) heads the XLSX sheet; the CSV stays a plain table for machines.
    static func response(_ table: [[String]], format: String, filename: String, sheet: String, title: String)
        throws -> Response
    {
        let response = Response(status: .ok)
        if format == "csv" {
            response.body = .init(string: "\u{FEFF}" + table.map { CSV.line($0) }.joined(separator: "\r\n") + "\r\n")
            response.headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        } else {
            response.body = .init(data: try XLSX.write(table, sheetName: sheet, title: title))
            response.headers.contentType = HTTPMediaType(
                type: "application", subType: "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        }
        response.headers.contentDisposition = .init(.attachment, filename: filename)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }
}
