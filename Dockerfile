# The OTP sidecar. Build: docker build -t otp-sidecar .
# Run against a Keycloak: docker run -e KEYCLOAK_URL=... -e KEYCLOAK_REALM=... -e SIDECAR_CLIENT_SECRET=... otp-sidecar
# (without KEYCLOAK_URL it starts the embedded demo: emulator, mail catcher, embedded database).
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    LISTEN_HOST=0.0.0.0 \
    PORT=8081 \
    SIDECAR_DATA_DIR=/data
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY sidecar ./sidecar
COPY admin-scripts ./admin-scripts
COPY keycloak-emulator ./keycloak-emulator
COPY realm-config ./realm-config
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8081
HEALTHCHECK --interval=30s --timeout=5s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8081)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "--import", "tsx", "sidecar/src/cli.ts"]
