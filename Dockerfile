# Catalog Jobs: build the bundle with dev dependencies, then ship only production ones.
FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 compiles its addon when no prebuilt binary can be fetched.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production PORT=8080 DATA_DIR=/data
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/db ./db
# The dashboard's stylesheet and script are served from here (htmx from node_modules).
COPY --from=build /app/src/views/assets ./src/views/assets
COPY --from=build /app/package.json ./package.json
VOLUME ["/data"]
EXPOSE 8080
# SIGTERM reaches node directly: running jobs get SHUTDOWN_GRACE (25 s) to finish.
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s CMD node -e "fetch('http://127.0.0.1:8080/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# The flags of scripts/node-flags.mjs (what npm start uses).
CMD ["node", "--enable-source-maps", "dist/main.js"]
