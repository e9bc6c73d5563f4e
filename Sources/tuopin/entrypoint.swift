import Foundation
import Logging
import TuopinServer
import Vapor

@main
enum Entrypoint {
    static func main() async {
        do {
            var env = try Environment.detect()
            try LoggingSystem.bootstrap(from: &env)
            let settings = try TuopinSettings.fromEnvironment()
            let app = try await Application.make(env)
            do {
                try await configure(app, settings: settings)
                try await prepareIfServing(app)
                try await app.execute()
            } catch {
                try? await app.asyncShutdown()
                throw error
            }
            try await app.asyncShutdown()
            PeakMemory.reportIfAsked()
        } catch {
            PeakMemory.reportIfAsked()
            FileHandle.standardError.write(Data("tuopin: \(error)\n".utf8))
            exit(1)
        }
    }
}
