/**
 * The rollout dashboard's additions to the helpdesk page's look (its app.css), kept in a module rather than
 * an asset file so the production build (plain tsc) carries it without a copy step.
 */
export const ROLLOUT_CSS = `section {
  margin-bottom: 2rem;
}
.kpis {
  display: flex;
  flex-wrap: wrap;
  gap: 1rem;
  margin: 0;
}
.kpis div {
  background: #fff;
  border: 1px solid #ddd;
  padding: 0.6rem 1rem;
  min-width: 8rem;
}
.kpis dt {
  font-size: 0.85rem;
  color: #4a4a4a;
}
.kpis dd {
  margin: 0;
  font-size: 1.4rem;
  font-weight: 600;
}
.chart {
  width: 100%;
  height: auto;
  background: #fff;
  border: 1px solid #ddd;
}
.chart .grid {
  stroke: #e3e3e3;
}
.chart .axis,
.chart .label {
  font:
    12px system-ui,
    sans-serif;
  fill: #333;
}
.chart .enrolled-area {
  fill: #cfe3f5;
}
.chart .enrolled-line {
  stroke: #0b5cad;
  stroke-width: 2;
}
.chart .required-line {
  stroke: #22313f;
  stroke-width: 2;
  stroke-dasharray: 6 4;
}
.chart .deadline {
  stroke: #a4262c;
  stroke-width: 2;
}
.chart .bar-track {
  fill: #e8e8e8;
}
.chart .bar-fill {
  fill: #0b5cad;
}
.chart .bar-reminders {
  fill: #8a5a00;
}
.chart .bar-recoveries {
  fill: #0b5cad;
}
.chart .bar-actions {
  fill: #22313f;
}
.legend .key::before {
  content: "";
  display: inline-block;
  width: 0.9rem;
  height: 0.9rem;
  margin-right: 0.3rem;
  vertical-align: middle;
}
.legend .enrolled::before {
  background: #0b5cad;
}
.legend .required::before {
  border-top: 3px dashed #22313f;
  height: 0;
}
.legend .reminders::before {
  background: #8a5a00;
}
.legend .recoveries::before {
  background: #0b5cad;
}
.legend .actions::before {
  background: #22313f;
}
.note {
  font-size: 0.9rem;
  color: #4a4a4a;
}
details.data summary {
  cursor: pointer;
  margin: 0.5rem 0;
  color: #0b5cad;
}
`;
