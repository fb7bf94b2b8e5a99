set terminal pngcairo size 1500,460 font "DejaVu Sans,11" noenhanced
set output 'passk_mean_over_seeds.png'
set multiplot layout 1,3 title "Pass@k (%), mean over 5 seeds x 40 problems (256 samples per problem); toy_t5/t6 never in pre-training"
set logscale x 2
set xrange [1:128]
set yrange [0:100]
set xlabel "k"
set grid
set key top left font ",9"
titles="toy_t4 (3 operations) toy_t5 (4 operations, unseen) toy_t6 (5 operations, unseen)"
do for [i=0:2] {
  set title (i==0 ? "toy_t4 (3 operations)" : (i==1 ? "toy_t5 (4 operations, unseen)" : "toy_t6 (5 operations, unseen)"))
  plot for [c=2:7] 'passk_mean_over_seeds.dat' index i using 1:c with linespoints lw 2 pt 7 ps 0.6 title columnhead(c)
}
unset multiplot
