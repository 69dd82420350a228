import "@mantine/core/styles.css";
import "./console.css";
import { type CSSVariablesResolver, createTheme, MantineProvider } from "@mantine/core";
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

// Text on light badges and dimmed text one or two shades darker than the defaults, so every
// label meets WCAG AA contrast (axe-core checks it in the page tests).
const LIGHT_COLORS = ["gray", "red", "orange", "yellow", "teal", "indigo", "blue", "green"];
const contrast: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    "--mantine-color-dimmed": "var(--mantine-color-gray-7)",
    ...Object.fromEntries(
      LIGHT_COLORS.flatMap((color) => [
        [`--mantine-color-${color}-light-color`, `var(--mantine-color-${color}-9)`],
        [`--mantine-color-${color}-light`, `var(--mantine-color-${color}-0)`],
      ]),
    ),
    // Mantine's darkest orange and yellow are still too light for text on their tints.
    "--mantine-color-orange-light-color": "#9c3500",
    "--mantine-color-yellow-light-color": "#6e4a00",
  },
  dark: {},
});

const root = document.getElementById("root");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <MantineProvider theme={theme} defaultColorScheme="light" cssVariablesResolver={contrast}>
        <QueryClientProvider client={queryClient}>
          <App />
        </QueryClientProvider>
      </MantineProvider>
    </StrictMode>,
  );
}
