# Build: sdk image; run: aspnet image (ICU included: CJK normalization depends on it).
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore in its own layer so that code changes do not invalidate the package cache.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/Aggregator/Aggregator.csproj src/Aggregator/
RUN dotnet restore src/Aggregator/Aggregator.csproj
COPY src/ src/
RUN dotnet publish src/Aggregator/Aggregator.csproj -c Release -o /app --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app ./
COPY config/ config/
COPY seeds/ seeds/
RUN mkdir -p /data && chown "$APP_UID" /data
USER $APP_UID
VOLUME /data
EXPOSE 8080
ENTRYPOINT ["dotnet", "aggregator.dll"]
CMD ["serve", "--data", "/data"]
