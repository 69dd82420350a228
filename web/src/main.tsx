import "@mantine/core/styles.css";
import "./console.css";
import { createTheme, MantineProvider } from "@mantine/core";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";

const queryClient = new QueryClient({
  defaultOptions: {
    // Refusals and bad input are answers, not outages: show them at once, don't retry.
    queries: { retry: false, refetchOnWindowFocus: true, staleTime: 5_000 },
  },
});

// Darker primary shades than Mantine's default blue keep text on filled buttons at WCAG AA.
const theme = createTheme({ primaryColor: "indigo", primaryShade: 8, defaultRadius: "sm" });

const root = document.getElementById("root");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <MantineProvider theme={theme} defaultColorScheme="light">
        <QueryClientProvider client={queryClient}>
          <App />
        </QueryClientProvider>
      </MantineProvider>
    </StrictMode>,
  );
}
